using System.Text.Json;
using Dynamo.DynamoDb.Expressions;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Operations;

/// <summary>Single-item operations.</summary>
internal sealed partial class DynamoDbOperations
{
    private static readonly string[] ConditionOnly = ["ConditionExpression"];
    private static readonly string[] UpdateValueExpressions = ["UpdateExpression", "ConditionExpression"];
    private static readonly string[] ProjectionOnly = ["ProjectionExpression"];

    private async Task GetItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var keyElement = request.Map("Key");
        errors.NotNull(keyElement, "key");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();
        RejectLegacy(request, "AttributesToGet");

        var key = AttributeValueJson.ParseMap(keyElement!.Value);
        var context = ExpressionContext.FromRequest(request, [], ProjectionOnly);
        var projection = request.String("ProjectionExpression") is { } pe ? ExpressionParser.ParseProjection(pe, context) : null;
        context.CheckAllUsed();
        var consistent = request.Bool("ConsistentRead") ?? false;

        var table = await RequireTableAsync(tableName!, ct);
        var itemKey = KeyFromKeyParameter(table, key);
        var stored = await _store.GetItemAsync(table.Name, itemKey, consistent, ct);

        writer.WriteStartObject();
        long size = 0;
        if (stored is { Attributes: { } attributes })
        {
            size = ItemSize.Of(attributes);
            writer.WritePropertyName("Item");
            AttributeValueJson.WriteMap(writer, projection is null ? attributes : Projection.Apply(projection, attributes));
        }

        WriteConsumedCapacity(writer, capacityMode, table.Name, ReadUnits(size, consistent));
        writer.WriteEndObject();
    }

    private async Task PutItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var itemElement = request.Map("Item");
        errors.NotNull(itemElement, "item");
        var returnValues = request.String("ReturnValues");
        errors.Enum(returnValues, "returnValues", "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
        var onFailure = request.String("ReturnValuesOnConditionCheckFailure");
        errors.Enum(onFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();
        RejectLegacy(request, "Expected", "ConditionalOperator");
        if (returnValues is not (null or "NONE" or "ALL_OLD"))
        {
            throw DynamoDbErrorException.Validation("ReturnValues can only be ALL_OLD or NONE");
        }

        var item = ParseItemParameter(itemElement!.Value);
        var context = ExpressionContext.FromRequest(request, ConditionOnly, ConditionOnly);
        var condition = request.String("ConditionExpression") is { } ce ? ExpressionParser.ParseCondition(ce, "ConditionExpression", context) : null;
        context.CheckAllUsed();

        var table = await RequireTableAsync(tableName!, ct);
        var key = KeyFromItem(table, item);
        var size = ItemSize.Of(item);
        if (size > ItemSize.MaxItemBytes)
        {
            throw DynamoDbErrorException.Validation("Item size has exceeded the maximum allowed size");
        }

        var needsRead = condition is not null || returnValues == "ALL_OLD";
        var old = await WriteWithConditionAsync(
            table,
            key,
            needsRead,
            condition,
            onFailure,
            _ => item,
            ct);

        writer.WriteStartObject();
        if (returnValues == "ALL_OLD" && old is not null)
        {
            writer.WritePropertyName("Attributes");
            AttributeValueJson.WriteMap(writer, old);
        }

        WriteConsumedCapacity(writer, capacityMode, table.Name, WriteUnits(Math.Max(size, old is null ? 0 : ItemSize.Of(old))));
        writer.WriteEndObject();
    }

    private async Task DeleteItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var keyElement = request.Map("Key");
        errors.NotNull(keyElement, "key");
        var returnValues = request.String("ReturnValues");
        errors.Enum(returnValues, "returnValues", "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
        var onFailure = request.String("ReturnValuesOnConditionCheckFailure");
        errors.Enum(onFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();
        RejectLegacy(request, "Expected", "ConditionalOperator");
        if (returnValues is not (null or "NONE" or "ALL_OLD"))
        {
            throw DynamoDbErrorException.Validation("ReturnValues can only be ALL_OLD or NONE");
        }

        var keyAttributes = AttributeValueJson.ParseMap(keyElement!.Value);
        var context = ExpressionContext.FromRequest(request, ConditionOnly, ConditionOnly);
        var condition = request.String("ConditionExpression") is { } ce ? ExpressionParser.ParseCondition(ce, "ConditionExpression", context) : null;
        context.CheckAllUsed();

        var table = await RequireTableAsync(tableName!, ct);
        var key = KeyFromKeyParameter(table, keyAttributes);
        var needsRead = condition is not null || returnValues == "ALL_OLD";
        var old = await WriteWithConditionAsync(table, key, needsRead, condition, onFailure, _ => null, ct);

        writer.WriteStartObject();
        if (returnValues == "ALL_OLD" && old is not null)
        {
            writer.WritePropertyName("Attributes");
            AttributeValueJson.WriteMap(writer, old);
        }

        WriteConsumedCapacity(writer, capacityMode, table.Name, WriteUnits(old is null ? 0 : ItemSize.Of(old)));
        writer.WriteEndObject();
    }

    private async Task UpdateItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var keyElement = request.Map("Key");
        errors.NotNull(keyElement, "key");
        var returnValues = request.String("ReturnValues");
        errors.Enum(returnValues, "returnValues", "ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW");
        var onFailure = request.String("ReturnValuesOnConditionCheckFailure");
        errors.Enum(onFailure, "returnValuesOnConditionCheckFailure", "ALL_OLD", "NONE");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();
        RejectLegacy(request, "AttributeUpdates", "Expected", "ConditionalOperator");

        var keyAttributes = AttributeValueJson.ParseMap(keyElement!.Value);
        var context = ExpressionContext.FromRequest(request, UpdateValueExpressions, UpdateValueExpressions);
        var actions = request.String("UpdateExpression") is { } ue ? ExpressionParser.ParseUpdate(ue, context) : [];
        var condition = request.String("ConditionExpression") is { } ce ? ExpressionParser.ParseCondition(ce, "ConditionExpression", context) : null;
        context.CheckAllUsed();

        var table = await RequireTableAsync(tableName!, ct);
        var key = KeyFromKeyParameter(table, keyAttributes);
        foreach (var action in actions)
        {
            if (table.IsKeyAttribute(action.Path.Head))
            {
                throw DynamoDbErrorException.Validation(
                    $"One or more parameter values were invalid: Cannot update attribute {action.Path.Head}. This attribute is part of the key");
            }
        }

        Dictionary<string, AttributeValue>? newItem = null;
        var old = await WriteWithConditionAsync(
            table,
            key,
            needsRead: true,
            condition,
            onFailure,
            current =>
            {
                var start = current ?? keyAttributes;
                var updated = UpdateApplier.Apply(actions, start);
                if (ItemSize.Of(updated) > ItemSize.MaxItemBytes)
                {
                    throw DynamoDbErrorException.Validation("Item size to update has exceeded the maximum allowed size");
                }

                newItem = updated;
                return updated;
            },
            ct);

        writer.WriteStartObject();
        IReadOnlyDictionary<string, AttributeValue>? attributes = returnValues switch
        {
            "ALL_OLD" => old,
            "ALL_NEW" => newItem,
            "UPDATED_OLD" => old is null ? null : Projection.Apply(actions.Select(a => a.Path).ToList(), old),
            "UPDATED_NEW" => Projection.Apply(actions.Where(a => a.Kind != UpdateActionKind.Remove).Select(a => a.Path).ToList(), newItem!),
            _ => null,
        };
        if (attributes is { Count: > 0 })
        {
            writer.WritePropertyName("Attributes");
            AttributeValueJson.WriteMap(writer, attributes);
        }

        WriteConsumedCapacity(writer, capacityMode, table.Name, WriteUnits(Math.Max(ItemSize.Of(newItem!), old is null ? 0 : ItemSize.Of(old))));
        writer.WriteEndObject();
    }

    /// <summary>
    /// Read-evaluate-write: reads the current item (strongly consistent) when needed, checks the condition, computes the new
    /// item (null = delete), and writes it with a timestamp above the version read and a guard that the item is unchanged.
    /// Retries when the guard fails (a concurrent writer got in between). Returns the old live item (or null).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, AttributeValue>?> WriteWithConditionAsync(
        TableDescriptor table,
        ItemKey key,
        bool needsRead,
        ConditionNode? condition,
        string? returnValuesOnConditionCheckFailure,
        Func<IReadOnlyDictionary<string, AttributeValue>?, IReadOnlyDictionary<string, AttributeValue>?> compute,
        CancellationToken ct)
    {
        if (!needsRead)
        {
            var item = compute(null);
            var ts = _clock.Now();
            if (item is null)
            {
                await _store.DeleteItemAsync(table.Name, key, ts, WriteGuard.None, ct);
            }
            else
            {
                await _store.PutItemAsync(table.Name, new StoredItem(key, ts, item), WriteGuard.None, ct);
            }

            return null;
        }

        using var _ = await _locks.AcquireAsync(table.Name, key, ct);
        for (var attempt = 0; ; attempt++)
        {
            var current = await _store.GetItemAsync(table.Name, key, consistent: true, ct);
            var live = current?.Attributes;
            if (condition is not null && !ConditionEvaluator.Evaluate(condition, live))
            {
                throw DynamoDbErrorException.ConditionFailed(returnValuesOnConditionCheckFailure == "ALL_OLD" ? live : null);
            }

            var item = compute(live);
            var ts = current is null ? _clock.Now() : _clock.Observe(current.Timestamp);
            var guard = WriteGuard.ForRead(current);
            var written = item is null
                ? await _store.DeleteItemAsync(table.Name, key, ts, guard, ct)
                : await _store.PutItemAsync(table.Name, new StoredItem(key, ts, item), guard, ct);
            if (written)
            {
                return live;
            }

            if (attempt >= _options.ConditionalWriteRetries)
            {
                throw new DynamoDbErrorException(
                    DynamoDbErrorTypes.ServiceUnavailable,
                    "The conditional write could not be applied because the item kept changing concurrently; retry the request",
                    503);
            }
        }
    }
}
