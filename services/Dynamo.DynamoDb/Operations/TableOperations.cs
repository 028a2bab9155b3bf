using System.Globalization;
using System.Text.Json;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;

namespace Dynamo.DynamoDb.Operations;

/// <summary>Table catalog operations.</summary>
internal sealed partial class DynamoDbOperations
{
    private async Task CreateTableAsync(RequestReader request, OperationContext context, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var definitionsElement = request.List("AttributeDefinitions");
        var keySchemaElement = request.List("KeySchema");
        errors.NotNull(definitionsElement, "attributeDefinitions");
        errors.NotNull(keySchemaElement, "keySchema");

        var definitions = new List<(string? Name, string? Type)>();
        if (definitionsElement is { } defs)
        {
            var i = 0;
            foreach (var d in defs.EnumerateArray())
            {
                i++;
                var r = new RequestReader(d);
                var name = r.String("AttributeName");
                var type = r.String("AttributeType");
                var member = $"attributeDefinitions.{i.ToString(CultureInfo.InvariantCulture)}.member";
                errors.NotNull(name, member + ".attributeName");
                errors.NotNull(type, member + ".attributeType");
                errors.Enum(type, member + ".attributeType", "B", "N", "S");
                definitions.Add((name, type));
            }
        }

        var keySchema = new List<(string? Name, string? KeyType)>();
        if (keySchemaElement is { } keys)
        {
            var i = 0;
            foreach (var k in keys.EnumerateArray())
            {
                i++;
                var r = new RequestReader(k);
                var name = r.String("AttributeName");
                var keyType = r.String("KeyType");
                var member = $"keySchema.{i.ToString(CultureInfo.InvariantCulture)}.member";
                errors.NotNull(name, member + ".attributeName");
                errors.NotNull(keyType, member + ".keyType");
                errors.Enum(keyType, member + ".keyType", "HASH", "RANGE");
                keySchema.Add((name, keyType));
            }

            if (keySchema.Count > 2)
            {
                errors.Add(string.Join(", ", keySchema.Select(k => k.Name)), "keySchema", "Member must have length less than or equal to 2");
            }
            else if (keySchema.Count == 0)
            {
                errors.Add("[]", "keySchema", "Member must have length greater than or equal to 1");
            }
        }

        var billingModeText = request.String("BillingMode");
        errors.Enum(billingModeText, "billingMode", "PROVISIONED", "PAY_PER_REQUEST");
        var (read, write, hasThroughput) = ReadThroughput(request, errors);
        ReadReturnConsumedCapacity(request, new ValidationErrors());
        errors.ThrowIfAny();

        if (request.Has("GlobalSecondaryIndexes") || request.Has("LocalSecondaryIndexes"))
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Secondary indexes (GlobalSecondaryIndexes, LocalSecondaryIndexes) are not supported by this implementation");
        }

        if (request.Structure("StreamSpecification") is { } stream && new RequestReader(stream).Bool("StreamEnabled") == true)
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: DynamoDB Streams are not supported by this implementation");
        }

        if (keySchema[0].KeyType != "HASH")
        {
            throw DynamoDbErrorException.Validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
        }

        if (keySchema.Count == 2)
        {
            if (keySchema[1].KeyType != "RANGE")
            {
                throw DynamoDbErrorException.Validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
            }

            if (keySchema[0].Name == keySchema[1].Name)
            {
                throw DynamoDbErrorException.Validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
            }
        }

        if (definitions.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count() != definitions.Count)
        {
            throw DynamoDbErrorException.Validation("Cannot have two attributes with the same name");
        }

        var missing = keySchema.Where(k => definitions.All(d => d.Name != k.Name)).Select(k => k.Name).ToList();
        if (missing.Count > 0)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                string.Join(", ", missing) + "], AttributeDefinitions: [" + string.Join(", ", definitions.Select(d => d.Name)) + "]");
        }

        if (definitions.Count != keySchema.Count)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }

        var billingMode = billingModeText == "PAY_PER_REQUEST" ? BillingMode.PayPerRequest : BillingMode.Provisioned;
        if (billingMode == BillingMode.Provisioned && !hasThroughput)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        }

        if (billingMode == BillingMode.PayPerRequest && hasThroughput)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }

        KeyAttribute ToKey((string? Name, string? KeyType) k)
        {
            var type = definitions.First(d => d.Name == k.Name).Type!;
            return new KeyAttribute(k.Name!, Enum.Parse<ScalarAttributeType>(type));
        }

        var now = _time.GetUtcNow();
        var table = new TableDescriptor(
            tableName!,
            ToKey(keySchema[0]),
            keySchema.Count == 2 ? ToKey(keySchema[1]) : null,
            billingMode,
            billingMode == BillingMode.Provisioned ? new ProvisionedThroughput(read, write) : new ProvisionedThroughput(0, 0),
            now,
            Guid.NewGuid(),
            billingMode == BillingMode.PayPerRequest ? now : null);

        if (!await _store.CreateTableAsync(table, ct))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.ResourceInUse, "Table already exists: " + tableName);
        }

        writer.WriteStartObject();
        writer.WritePropertyName("TableDescription");
        WriteTableDescription(writer, table, context, "ACTIVE");
        writer.WriteEndObject();
    }

    private static (long Read, long Write, bool Present) ReadThroughput(RequestReader request, ValidationErrors errors)
    {
        if (request.Structure("ProvisionedThroughput") is not { } element)
        {
            return (0, 0, false);
        }

        var r = new RequestReader(element);
        var read = r.Long("ReadCapacityUnits");
        var write = r.Long("WriteCapacityUnits");
        errors.NotNull(read, "provisionedThroughput.readCapacityUnits");
        errors.NotNull(write, "provisionedThroughput.writeCapacityUnits");
        errors.Min(read, "provisionedThroughput.readCapacityUnits", 1);
        errors.Min(write, "provisionedThroughput.writeCapacityUnits", 1);
        return (read ?? 0, write ?? 0, true);
    }

    private async Task DescribeTableAsync(RequestReader request, OperationContext context, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        errors.ThrowIfAny();
        var table = await _store.GetTableAsync(tableName!, ct) ?? throw DynamoDbErrorException.TableNotFound(tableName!);
        writer.WriteStartObject();
        writer.WritePropertyName("Table");
        WriteTableDescription(writer, table, context, "ACTIVE");
        writer.WriteEndObject();
    }

    private async Task ListTablesAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var start = request.String("ExclusiveStartTableName");
        errors.TableName(start, "exclusiveStartTableName", required: false);
        var limit = request.Long("Limit", "Integer");
        errors.Min(limit, "limit", 1);
        errors.Max(limit, "limit", 100);
        errors.ThrowIfAny();
        var page = await _store.ListTablesAsync(start, (int)(limit ?? 100), ct);
        writer.WriteStartObject();
        writer.WriteStartArray("TableNames");
        foreach (var name in page.TableNames)
        {
            writer.WriteStringValue(name);
        }

        writer.WriteEndArray();
        if (page.HasMore && page.TableNames.Count > 0)
        {
            writer.WriteString("LastEvaluatedTableName", page.TableNames[^1]);
        }

        writer.WriteEndObject();
    }

    private async Task DeleteTableAsync(RequestReader request, OperationContext context, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        errors.ThrowIfAny();
        var table = await _store.DeleteTableAsync(tableName!, ct) ?? throw DynamoDbErrorException.TableNotFound(tableName!);
        writer.WriteStartObject();
        writer.WritePropertyName("TableDescription");
        WriteTableDescription(writer, table, context, "DELETING");
        writer.WriteEndObject();
    }

    private async Task UpdateTableAsync(RequestReader request, OperationContext context, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var tableName = request.String("TableName");
        errors.TableName(tableName);
        var billingModeText = request.String("BillingMode");
        errors.Enum(billingModeText, "billingMode", "PROVISIONED", "PAY_PER_REQUEST");
        var (read, write, hasThroughput) = ReadThroughput(request, errors);
        errors.ThrowIfAny();

        if (request.Has("GlobalSecondaryIndexUpdates"))
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Secondary indexes (GlobalSecondaryIndexUpdates) are not supported by this implementation");
        }

        if (request.Structure("StreamSpecification") is { } stream && new RequestReader(stream).Bool("StreamEnabled") == true)
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: DynamoDB Streams are not supported by this implementation");
        }

        if (!hasThroughput && billingModeText is null && !request.Has("SSESpecification") && !request.Has("StreamSpecification")
            && !request.Has("DeletionProtectionEnabled") && !request.Has("ReplicaUpdates"))
        {
            throw DynamoDbErrorException.Validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
        }

        var table = await _store.GetTableAsync(tableName!, ct) ?? throw DynamoDbErrorException.TableNotFound(tableName!);
        var now = _time.GetUtcNow();
        var mode = billingModeText switch
        {
            "PAY_PER_REQUEST" => BillingMode.PayPerRequest,
            "PROVISIONED" => BillingMode.Provisioned,
            _ => table.BillingMode,
        };

        if (mode == BillingMode.PayPerRequest && hasThroughput)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        }

        if (mode == BillingMode.Provisioned && table.BillingMode == BillingMode.PayPerRequest && !hasThroughput)
        {
            throw DynamoDbErrorException.Validation(
                "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
        }

        var updated = table;
        if (mode == BillingMode.PayPerRequest && table.BillingMode != BillingMode.PayPerRequest)
        {
            updated = updated with
            {
                BillingMode = BillingMode.PayPerRequest,
                Throughput = table.Throughput with { ReadCapacityUnits = 0, WriteCapacityUnits = 0 },
                LastUpdateToPayPerRequestDateTime = now,
            };
        }

        if (hasThroughput)
        {
            var current = table.Throughput;
            if (table.BillingMode == BillingMode.Provisioned && current.ReadCapacityUnits == read && current.WriteCapacityUnits == write)
            {
                var cr = current.ReadCapacityUnits.ToString(CultureInfo.InvariantCulture);
                var cw = current.WriteCapacityUnits.ToString(CultureInfo.InvariantCulture);
                throw DynamoDbErrorException.Validation(
                    $"The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: {cr}. Requested ReadCapacityUnits: {cr}. Current WriteCapacityUnits provisioned for the table: {cw}. Requested WriteCapacityUnits: {cw}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
            }

            var increased = read > current.ReadCapacityUnits || write > current.WriteCapacityUnits;
            var decreased = read < current.ReadCapacityUnits || write < current.WriteCapacityUnits;
            updated = updated with
            {
                BillingMode = BillingMode.Provisioned,
                Throughput = new ProvisionedThroughput(
                    read,
                    write,
                    increased ? now : current.LastIncreaseDateTime,
                    decreased ? now : current.LastDecreaseDateTime,
                    current.NumberOfDecreasesToday + (decreased && table.BillingMode == BillingMode.Provisioned ? 1 : 0)),
            };
        }

        if (!await _store.UpdateTableAsync(updated, ct))
        {
            throw DynamoDbErrorException.TableNotFound(tableName!);
        }

        writer.WriteStartObject();
        writer.WritePropertyName("TableDescription");
        WriteTableDescription(writer, updated, context, "ACTIVE");
        writer.WriteEndObject();
    }

    private void WriteTableDescription(Utf8JsonWriter writer, TableDescriptor table, OperationContext context, string status)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("AttributeDefinitions");
        foreach (var key in table.KeyAttributes)
        {
            writer.WriteStartObject();
            writer.WriteString("AttributeName", key.Name);
            writer.WriteString("AttributeType", key.Type.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("TableName", table.Name);
        writer.WriteStartArray("KeySchema");
        writer.WriteStartObject();
        writer.WriteString("AttributeName", table.HashKey.Name);
        writer.WriteString("KeyType", "HASH");
        writer.WriteEndObject();
        if (table.RangeKey is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("AttributeName", table.RangeKey.Name);
            writer.WriteString("KeyType", "RANGE");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("TableStatus", status);
        writer.WritePropertyName("CreationDateTime");
        writer.WriteRawValue(Seconds(table.CreationDateTime));
        writer.WriteStartObject("ProvisionedThroughput");
        if (table.Throughput.LastIncreaseDateTime is { } inc)
        {
            writer.WritePropertyName("LastIncreaseDateTime");
            writer.WriteRawValue(Seconds(inc));
        }

        if (table.Throughput.LastDecreaseDateTime is { } dec)
        {
            writer.WritePropertyName("LastDecreaseDateTime");
            writer.WriteRawValue(Seconds(dec));
        }

        writer.WriteNumber("NumberOfDecreasesToday", table.Throughput.NumberOfDecreasesToday);
        writer.WriteNumber("ReadCapacityUnits", table.Throughput.ReadCapacityUnits);
        writer.WriteNumber("WriteCapacityUnits", table.Throughput.WriteCapacityUnits);
        writer.WriteEndObject();
        writer.WriteNumber("TableSizeBytes", 0);
        writer.WriteNumber("ItemCount", 0);
        writer.WriteString("TableArn", $"arn:aws:dynamodb:{context.Region}:{_options.AccountId}:table/{table.Name}");
        writer.WriteString("TableId", table.TableId.ToString("D"));
        writer.WriteStartObject("BillingModeSummary");
        writer.WriteString("BillingMode", table.BillingMode == BillingMode.PayPerRequest ? "PAY_PER_REQUEST" : "PROVISIONED");
        if (table.LastUpdateToPayPerRequestDateTime is { } ppr)
        {
            writer.WritePropertyName("LastUpdateToPayPerRequestDateTime");
            writer.WriteRawValue(Seconds(ppr));
        }

        writer.WriteEndObject();
        writer.WriteBoolean("DeletionProtectionEnabled", false);
        writer.WriteEndObject();
    }
}
