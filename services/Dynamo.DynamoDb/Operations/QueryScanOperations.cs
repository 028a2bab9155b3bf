using System.Text.Json;
using Dynamo.DynamoDb.Expressions;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Operations;

/// <summary>Query and Scan.</summary>
internal sealed partial class DynamoDbOperations
{
    private static readonly string[] QueryValueExpressions = ["KeyConditionExpression", "FilterExpression"];
    private static readonly string[] QueryAllExpressions = ["KeyConditionExpression", "FilterExpression", "ProjectionExpression"];
    private static readonly string[] ScanValueExpressions = ["FilterExpression"];
    private static readonly string[] ScanAllExpressions = ["FilterExpression", "ProjectionExpression"];

    private sealed record ReadRequestCommon(
        string TableName,
        int? Limit,
        bool Consistent,
        string Select,
        IReadOnlyList<DocumentPath>? Projection,
        ConditionNode? Filter,
        IReadOnlyDictionary<string, AttributeValue>? ExclusiveStartKey,
        string? CapacityMode);

    private async Task QueryAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var (tableName, limit, select, capacityMode) = ReadCommonParameters(request, errors);
        errors.ThrowIfAny();
        if (request.Has("KeyConditions") && request.Has("KeyConditionExpression"))
        {
            throw DynamoDbErrorException.Validation(
                "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}");
        }

        RejectLegacy(request, "KeyConditions", "QueryFilter", "AttributesToGet", "ConditionalOperator");
        var keyConditionText = request.String("KeyConditionExpression")
            ?? throw DynamoDbErrorException.Validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
        var context = ExpressionContext.FromRequest(request, QueryValueExpressions, QueryAllExpressions);
        var keyNode = ExpressionParser.ParseCondition(keyConditionText, "KeyConditionExpression", context);
        var common = ParseReadExpressions(request, context, tableName!, limit, select, capacityMode);

        var table = await RequireTableAsync(tableName!, ct);
        if (request.String("IndexName") is { } indexName)
        {
            throw DynamoDbErrorException.Validation("The table does not have the specified index: " + indexName);
        }

        var keyCondition = KeyCondition.From(keyNode, table);
        if (keyCondition.PartitionValue.Type is AttributeType.S or AttributeType.B)
        {
            CheckKeyValue(table.HashKey, keyCondition.PartitionValue, isHash: true);
        }

        var partitionKey = SortKeyCodec.Encode(keyCondition.PartitionValue);
        string? startSortKey = null;
        if (common.ExclusiveStartKey is { } esk)
        {
            var startKey = KeyFromKeyParameter(table, esk, "The provided starting key is invalid: The provided key element does not match the schema");
            if (startKey.PartitionKey != partitionKey)
            {
                throw DynamoDbErrorException.Validation("The provided starting key is outside query boundaries based on provided conditions");
            }

            startSortKey = startKey.SortKey;
        }

        var forward = request.Bool("ScanIndexForward") ?? true;
        var range = keyCondition.ToRange();

        // A hash-only partition holds one item: starting after it (or after the first page) leaves nothing.
        var exhaustedAtStart = table.RangeKey is null && common.ExclusiveStartKey is not null;
        await RunReadAsync(
            table,
            common,
            (lastKey, want) => exhaustedAtStart || (table.RangeKey is null && lastKey is not null)
                ? ValueTask.FromResult(new ItemPage([], false))
                : _store.QueryAsync(table.Name, partitionKey, range, forward, lastKey?.SortKey ?? startSortKey, want, common.Consistent, ct),
            writer);
    }

    private async Task ScanAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var (tableName, limit, select, capacityMode) = ReadCommonParameters(request, errors);
        var segment = request.Long("Segment", "Integer");
        var totalSegments = request.Long("TotalSegments", "Integer");
        errors.Min(segment, "segment", 0);
        errors.Max(segment, "segment", 999999);
        errors.Min(totalSegments, "totalSegments", 1);
        errors.Max(totalSegments, "totalSegments", 1000000);
        errors.ThrowIfAny();
        RejectLegacy(request, "ScanFilter", "AttributesToGet", "ConditionalOperator");
        if (segment is not null && totalSegments is null)
        {
            throw DynamoDbErrorException.Validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
        }

        if (totalSegments is not null && segment is null)
        {
            throw DynamoDbErrorException.Validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
        }

        if (segment is { } s && totalSegments is { } t && s >= t)
        {
            throw DynamoDbErrorException.Validation($"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {t}");
        }

        var context = ExpressionContext.FromRequest(request, ScanValueExpressions, ScanAllExpressions);
        var common = ParseReadExpressions(request, context, tableName!, limit, select, capacityMode);
        var table = await RequireTableAsync(tableName!, ct);
        if (request.String("IndexName") is { } indexName)
        {
            throw DynamoDbErrorException.Validation("The table does not have the specified index: " + indexName);
        }

        ItemKey? startKey = null;
        if (common.ExclusiveStartKey is { } esk)
        {
            startKey = KeyFromKeyParameter(table, esk, "The provided starting key is invalid: The provided key element does not match the schema");
        }

        var seg = (int)(segment ?? 0);
        var total = (int)(totalSegments ?? 1);
        await RunReadAsync(
            table,
            common,
            (lastKey, want) => _store.ScanAsync(table.Name, seg, total, lastKey ?? startKey, want, common.Consistent, ct),
            writer);
    }

    private static (string? TableName, int? Limit, string? Select, string? CapacityMode) ReadCommonParameters(RequestReader request, ValidationErrors errors)
    {
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var limit = request.Long("Limit", "Integer");
        errors.Min(limit, "limit", 1);
        var select = request.String("Select");
        errors.Enum(select, "select", "SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        return (tableName, limit is null ? null : (int)Math.Min(limit.Value, int.MaxValue), select, capacityMode);
    }

    private static ReadRequestCommon ParseReadExpressions(RequestReader request, ExpressionContext context, string tableName, int? limit, string? select, string? capacityMode)
    {
        var filter = request.String("FilterExpression") is { } fe ? ExpressionParser.ParseCondition(fe, "FilterExpression", context) : null;
        var projection = request.String("ProjectionExpression") is { } pe ? ExpressionParser.ParseProjection(pe, context) : null;
        context.CheckAllUsed();

        if (select == "ALL_PROJECTED_ATTRIBUTES")
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is supported only for index queries");
        }

        if (projection is not null && select is "COUNT")
        {
            throw DynamoDbErrorException.Validation("Cannot specify the ProjectionExpression when choosing to get only the Count");
        }

        if (projection is not null && select is "ALL_ATTRIBUTES")
        {
            throw DynamoDbErrorException.Validation("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
        }

        if (projection is null && select is "SPECIFIC_ATTRIBUTES")
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression");
        }

        var esk = request.Map("ExclusiveStartKey") is { } e ? AttributeValueJson.ParseMap(e) : null;
        return new ReadRequestCommon(
            tableName,
            limit,
            request.Bool("ConsistentRead") ?? false,
            select ?? (projection is null ? "ALL_ATTRIBUTES" : "SPECIFIC_ATTRIBUTES"),
            projection,
            filter,
            esk,
            capacityMode);
    }

    /// <summary>
    /// Pages through the store until Limit items were evaluated, 1 MB of item data was read, or the range is exhausted;
    /// applies the filter and projection; writes Items/Count/ScannedCount/LastEvaluatedKey.
    /// </summary>
    private static async Task RunReadAsync(
        TableDescriptor table,
        ReadRequestCommon common,
        Func<ItemKey?, int, ValueTask<ItemPage>> fetch,
        Utf8JsonWriter writer)
    {
        var results = new List<IReadOnlyDictionary<string, AttributeValue>>();
        var scanned = 0;
        long bytes = 0;
        ItemKey? lastKey = null;
        IReadOnlyDictionary<string, AttributeValue>? lastItem = null;
        var truncated = false;
        while (true)
        {
            var want = common.Limit is { } l ? Math.Min(l - scanned, StoreBatch) : StoreBatch;
            var page = await fetch(lastKey, want);
            var stoppedEarly = false;
            for (var i = 0; i < page.Items.Count; i++)
            {
                var stored = page.Items[i];
                var attributes = stored.Attributes!;
                scanned++;
                bytes += ItemSize.Of(attributes);
                lastKey = stored.Key;
                lastItem = attributes;
                if (common.Filter is null || ConditionEvaluator.Evaluate(common.Filter, attributes))
                {
                    results.Add(common.Projection is null ? attributes : Projection.Apply(common.Projection, attributes));
                }

                var limitReached = common.Limit is { } limit && scanned >= limit;
                if (bytes >= MaxResponseDataBytes || limitReached)
                {
                    stoppedEarly = true;
                    truncated = i < page.Items.Count - 1 || page.HasMore;
                    break;
                }
            }

            if (stoppedEarly || !page.HasMore || page.Items.Count == 0)
            {
                break;
            }
        }

        writer.WriteStartObject();
        if (common.Select != "COUNT")
        {
            writer.WriteStartArray("Items");
            foreach (var item in results)
            {
                AttributeValueJson.WriteMap(writer, item);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("Count", results.Count);
        writer.WriteNumber("ScannedCount", scanned);
        if (truncated && lastItem is not null)
        {
            writer.WritePropertyName("LastEvaluatedKey");
            AttributeValueJson.WriteMap(writer, KeyAttributesOf(table, lastItem));
        }

        WriteConsumedCapacity(writer, common.CapacityMode, table.Name, ReadUnits(bytes, common.Consistent));
        writer.WriteEndObject();
    }
}
