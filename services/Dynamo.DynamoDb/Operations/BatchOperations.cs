using System.Text.Json;
using Dynamo.DynamoDb.Expressions;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Operations;

/// <summary>BatchGetItem and BatchWriteItem.</summary>
internal sealed partial class DynamoDbOperations
{
    private const int MaxBatchGetKeys = 100;
    private const int MaxBatchWriteRequests = 25;
    private const long MaxBatchGetResponseBytes = 16L * 1024 * 1024;

    private sealed record BatchGetTable(
        string Name,
        List<Dictionary<string, AttributeValue>> Keys,
        IReadOnlyList<DocumentPath>? Projection,
        bool Consistent,
        JsonElement Original);

    private sealed record BatchWrite(string Table, ItemKey Key, Dictionary<string, AttributeValue>? Item, Dictionary<string, AttributeValue>? DeleteKey);

    private async Task BatchGetItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var requestItems = request.Map("RequestItems");
        errors.NotNull(requestItems, "requestItems");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();

        var tables = new List<BatchGetTable>();
        var totalKeys = 0;
        foreach (var entry in requestItems!.Value.EnumerateObject())
        {
            var tableErrors = new ValidationErrors();
            tableErrors.TableName(entry.Name, "requestItems.member.key");
            tableErrors.ThrowIfAny();
            var r = new RequestReader(entry.Value);
            RejectLegacy(r, "AttributesToGet");
            var keysElement = r.List("Keys") ?? throw DynamoDbErrorException.Validation(
                "1 validation error detected: Value null at 'requestItems." + entry.Name + ".member.keys' failed to satisfy constraint: Member must not be null");
            var keys = keysElement.EnumerateArray().Select(AttributeValueJson.ParseMap).ToList();
            if (keys.Count is 0 or > MaxBatchGetKeys)
            {
                throw DynamoDbErrorException.Validation(
                    $"1 validation error detected: Value at 'requestItems.{entry.Name}.member.keys' failed to satisfy constraint: Member must have length {(keys.Count == 0 ? "greater than or equal to 1" : "less than or equal to 100")}");
            }

            totalKeys += keys.Count;
            var context = ExpressionContext.FromRequest(r, [], ProjectionOnly);
            var projection = r.String("ProjectionExpression") is { } pe ? ExpressionParser.ParseProjection(pe, context) : null;
            context.CheckAllUsed();
            tables.Add(new BatchGetTable(entry.Name, keys, projection, r.Bool("ConsistentRead") ?? false, entry.Value));
        }

        if (tables.Count == 0)
        {
            throw DynamoDbErrorException.Validation(
                "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        if (totalKeys > MaxBatchGetKeys)
        {
            throw DynamoDbErrorException.Validation("Too many items requested for the BatchGetItem call");
        }

        var work = new List<(BatchGetTable Table, TableDescriptor Descriptor, Dictionary<string, AttributeValue> Key, ItemKey StoreKey)>();
        foreach (var t in tables)
        {
            var descriptor = await RequireTableAsync(t.Name, ct);
            var seen = new HashSet<ItemKey>();
            foreach (var key in t.Keys)
            {
                var storeKey = KeyFromKeyParameter(descriptor, key);
                if (!seen.Add(storeKey))
                {
                    throw DynamoDbErrorException.Validation("Provided list of item keys contains duplicates");
                }

                work.Add((t, descriptor, key, storeKey));
            }
        }

        var results = await Task.WhenAll(work.Select(async w =>
        {
            try
            {
                return (Item: await _store.GetItemAsync(w.Descriptor.Name, w.StoreKey, w.Table.Consistent, ct), Failed: false);
            }
            catch (ItemStoreException e) when (e.IsTransient)
            {
                return (Item: (StoredItem?)null, Failed: true);
            }
        }));

        var responses = tables.ToDictionary(t => t.Name, _ => new List<IReadOnlyDictionary<string, AttributeValue>>(), StringComparer.Ordinal);
        var unprocessed = new Dictionary<string, List<Dictionary<string, AttributeValue>>>(StringComparer.Ordinal);
        var units = tables.ToDictionary(t => t.Name, _ => 0.0, StringComparer.Ordinal);
        long responseBytes = 0;
        for (var i = 0; i < work.Count; i++)
        {
            var (table, _, key, _) = work[i];
            var (stored, failed) = results[i];
            if (failed || responseBytes >= MaxBatchGetResponseBytes)
            {
                if (!unprocessed.TryGetValue(table.Name, out var list))
                {
                    unprocessed[table.Name] = list = [];
                }

                list.Add(key);
                continue;
            }

            if (stored is { Attributes: { } attributes })
            {
                var size = ItemSize.Of(attributes);
                responseBytes += size;
                units[table.Name] += ReadUnits(size, table.Consistent);
                responses[table.Name].Add(table.Projection is null ? attributes : Projection.Apply(table.Projection, attributes));
            }
            else
            {
                units[table.Name] += ReadUnits(0, table.Consistent);
            }
        }

        writer.WriteStartObject();
        writer.WriteStartObject("Responses");
        foreach (var (name, items) in responses)
        {
            writer.WriteStartArray(name);
            foreach (var item in items)
            {
                AttributeValueJson.WriteMap(writer, item);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("UnprocessedKeys");
        foreach (var (name, keys) in unprocessed)
        {
            var original = new RequestReader(tables.First(t => t.Name == name).Original);
            writer.WriteStartObject(name);
            writer.WriteStartArray("Keys");
            foreach (var key in keys)
            {
                AttributeValueJson.WriteMap(writer, key);
            }

            writer.WriteEndArray();
            foreach (var member in new[] { "ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead" })
            {
                if (original.Get(member) is { } value)
                {
                    writer.WritePropertyName(member);
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        WriteCapacityList(writer, capacityMode, units);
        writer.WriteEndObject();
    }

    private async Task BatchWriteItemAsync(RequestReader request, Utf8JsonWriter writer, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var requestItems = request.Map("RequestItems");
        errors.NotNull(requestItems, "requestItems");
        var capacityMode = ReadReturnConsumedCapacity(request, errors);
        errors.ThrowIfAny();

        var parsed = new List<(string Table, Dictionary<string, AttributeValue>? Put, Dictionary<string, AttributeValue>? Delete)>();
        foreach (var entry in requestItems!.Value.EnumerateObject())
        {
            var tableErrors = new ValidationErrors();
            tableErrors.TableName(entry.Name, "requestItems.member.key");
            tableErrors.ThrowIfAny();
            RequestReader.ExpectList(entry.Value);
            var count = entry.Value.GetArrayLength();
            if (count is 0 or > MaxBatchWriteRequests)
            {
                throw DynamoDbErrorException.Validation(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
            }

            foreach (var writeRequest in entry.Value.EnumerateArray())
            {
                var r = new RequestReader(writeRequest);
                var put = r.Structure("PutRequest");
                var delete = r.Structure("DeleteRequest");
                if ((put is null) == (delete is null))
                {
                    throw DynamoDbErrorException.Validation(
                        "One or more parameter values were invalid: A WriteRequest must contain exactly one of PutRequest or DeleteRequest");
                }

                if (put is { } p)
                {
                    var item = new RequestReader(p).Map("Item") ?? throw DynamoDbErrorException.Validation(
                        "1 validation error detected: Value null at 'requestItems." + entry.Name + ".member.putRequest.item' failed to satisfy constraint: Member must not be null");
                    parsed.Add((entry.Name, AttributeValueJson.ParseMap(item), null));
                }
                else
                {
                    var key = new RequestReader(delete!.Value).Map("Key") ?? throw DynamoDbErrorException.Validation(
                        "1 validation error detected: Value null at 'requestItems." + entry.Name + ".member.deleteRequest.key' failed to satisfy constraint: Member must not be null");
                    parsed.Add((entry.Name, null, AttributeValueJson.ParseMap(key)));
                }
            }
        }

        if (parsed.Count == 0)
        {
            throw DynamoDbErrorException.Validation(
                "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        if (parsed.Count > MaxBatchWriteRequests)
        {
            throw DynamoDbErrorException.Validation("Too many items requested for the BatchWriteItem call");
        }

        var writes = new List<BatchWrite>();
        var descriptors = new Dictionary<string, TableDescriptor>(StringComparer.Ordinal);
        var seen = new HashSet<(string, ItemKey)>();
        foreach (var (tableName, put, delete) in parsed)
        {
            if (!descriptors.TryGetValue(tableName, out var table))
            {
                descriptors[tableName] = table = await RequireTableAsync(tableName, ct);
            }

            ItemKey key;
            if (put is not null)
            {
                key = KeyFromItem(table, put);
                if (ItemSize.Of(put) > ItemSize.MaxItemBytes)
                {
                    throw DynamoDbErrorException.Validation("Item size has exceeded the maximum allowed size");
                }
            }
            else
            {
                key = KeyFromKeyParameter(table, delete!);
            }

            if (!seen.Add((tableName, key)))
            {
                throw DynamoDbErrorException.Validation("Provided list of item keys contains duplicates");
            }

            writes.Add(new BatchWrite(tableName, key, put, delete));
        }

        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                var ts = _clock.Now();
                if (w.Item is not null)
                {
                    await _store.PutItemAsync(w.Table, new StoredItem(w.Key, ts, w.Item), WriteGuard.None, ct);
                }
                else
                {
                    await _store.DeleteItemAsync(w.Table, w.Key, ts, WriteGuard.None, ct);
                }

                return true;
            }
            catch (ItemStoreException e) when (e.IsTransient)
            {
                return false;
            }
        }));

        var units = descriptors.Keys.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        writer.WriteStartObject();
        writer.WriteStartObject("UnprocessedItems");
        foreach (var group in writes.Select((w, i) => (Write: w, Ok: outcomes[i])).GroupBy(x => x.Write.Table, StringComparer.Ordinal))
        {
            foreach (var (w, ok) in group.Where(x => x.Ok))
            {
                units[w.Table] += WriteUnits(w.Item is null ? 0 : ItemSize.Of(w.Item));
            }

            var failed = group.Where(x => !x.Ok).Select(x => x.Write).ToList();
            if (failed.Count == 0)
            {
                continue;
            }

            writer.WriteStartArray(group.Key);
            foreach (var w in failed)
            {
                writer.WriteStartObject();
                if (w.Item is not null)
                {
                    writer.WriteStartObject("PutRequest");
                    writer.WritePropertyName("Item");
                    AttributeValueJson.WriteMap(writer, w.Item);
                }
                else
                {
                    writer.WriteStartObject("DeleteRequest");
                    writer.WritePropertyName("Key");
                    AttributeValueJson.WriteMap(writer, w.DeleteKey!);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        WriteCapacityList(writer, capacityMode, units);
        writer.WriteEndObject();
    }

    private static void WriteCapacityList(Utf8JsonWriter writer, string? mode, Dictionary<string, double> unitsByTable)
    {
        if (mode is not ("TOTAL" or "INDEXES"))
        {
            return;
        }

        writer.WriteStartArray("ConsumedCapacity");
        foreach (var (table, units) in unitsByTable)
        {
            WriteCapacityObject(writer, mode, table, units);
        }

        writer.WriteEndArray();
    }
}
