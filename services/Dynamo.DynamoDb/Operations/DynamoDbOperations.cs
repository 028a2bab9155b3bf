using System.Globalization;
using System.Text;
using System.Text.Json;
using Dynamo.DynamoDb.Expressions;
using Dynamo.DynamoDb.Model;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;

namespace Dynamo.DynamoDb.Operations;

/// <summary>Per-request information from the transport (region from the SigV4 credential scope).</summary>
internal sealed record OperationContext(string Region);

/// <summary>
/// Implements the DynamoDB operations over an <see cref="IItemStore"/>. Each operation reads the request JSON and writes
/// the response JSON; errors are thrown as <see cref="DynamoDbErrorException"/>.
/// </summary>
internal sealed partial class DynamoDbOperations
{
    /// <summary>Operations this implementation serves.</summary>
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreateTable", "DescribeTable", "ListTables", "DeleteTable", "UpdateTable",
        "PutItem", "GetItem", "DeleteItem", "UpdateItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
    };

    private const int MaxResponseDataBytes = 1024 * 1024;
    private const int StoreBatch = 256;

    private readonly IItemStore _store;
    private readonly HybridLogicalClock _clock;
    private readonly DynamoDbApiOptions _options;
    private readonly TimeProvider _time;
    private readonly KeyLocks _locks = new(256);

    public DynamoDbOperations(IItemStore store, HybridLogicalClock clock, DynamoDbApiOptions options, TimeProvider time)
    {
        _store = store;
        _clock = clock;
        _options = options;
        _time = time;
    }

    public Task ExecuteAsync(string operation, RequestReader request, OperationContext context, Utf8JsonWriter writer, CancellationToken ct) =>
        operation switch
        {
            "CreateTable" => CreateTableAsync(request, context, writer, ct),
            "DescribeTable" => DescribeTableAsync(request, context, writer, ct),
            "ListTables" => ListTablesAsync(request, writer, ct),
            "DeleteTable" => DeleteTableAsync(request, context, writer, ct),
            "UpdateTable" => UpdateTableAsync(request, context, writer, ct),
            "PutItem" => PutItemAsync(request, writer, ct),
            "GetItem" => GetItemAsync(request, writer, ct),
            "DeleteItem" => DeleteItemAsync(request, writer, ct),
            "UpdateItem" => UpdateItemAsync(request, writer, ct),
            "Query" => QueryAsync(request, writer, ct),
            "Scan" => ScanAsync(request, writer, ct),
            "BatchGetItem" => BatchGetItemAsync(request, writer, ct),
            "BatchWriteItem" => BatchWriteItemAsync(request, writer, ct),
            _ => throw new DynamoDbErrorException(DynamoDbErrorTypes.UnknownOperation, "An unknown operation was requested."),
        };

    // ------------------------------------------------------------------ shared helpers

    private async Task<TableDescriptor> RequireTableAsync(string tableName, CancellationToken ct) =>
        await _store.GetTableAsync(tableName, ct) ?? throw DynamoDbErrorException.ResourceNotFound();

    private static void RejectLegacy(RequestReader request, params string[] names)
    {
        foreach (var name in names)
        {
            if (request.Has(name))
            {
                throw DynamoDbErrorException.Validation(
                    $"The legacy parameter {name} is not supported by this implementation; use the expression parameters instead");
            }
        }
    }

    private static string? ReadReturnConsumedCapacity(RequestReader request, ValidationErrors errors)
    {
        var value = request.String("ReturnConsumedCapacity");
        errors.Enum(value, "returnConsumedCapacity", "INDEXES", "TOTAL", "NONE");
        return value;
    }

    private static void WriteConsumedCapacity(Utf8JsonWriter writer, string? mode, string tableName, double units)
    {
        if (mode is not ("TOTAL" or "INDEXES"))
        {
            return;
        }

        writer.WritePropertyName("ConsumedCapacity");
        WriteCapacityObject(writer, mode, tableName, units);
    }

    private static void WriteCapacityObject(Utf8JsonWriter writer, string mode, string tableName, double units)
    {
        writer.WriteStartObject();
        writer.WriteString("TableName", tableName);
        writer.WriteNumber("CapacityUnits", units);
        if (mode == "INDEXES")
        {
            writer.WriteStartObject("Table");
            writer.WriteNumber("CapacityUnits", units);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static double WriteUnits(long bytes) => Math.Max(1, Math.Ceiling(bytes / 1024.0));

    private static double ReadUnits(long bytes, bool consistent) =>
        Math.Max(1, Math.Ceiling(bytes / 4096.0)) * (consistent ? 1 : 0.5);

    /// <summary>Validates a Key parameter against the schema and returns its store form.</summary>
    private static ItemKey KeyFromKeyParameter(TableDescriptor table, IReadOnlyDictionary<string, AttributeValue> key, string? badKeyMessage = null)
    {
        var message = badKeyMessage ?? "The provided key element does not match the schema";
        var expectedCount = table.RangeKey is null ? 1 : 2;
        if (key.Count != expectedCount)
        {
            throw DynamoDbErrorException.Validation(message);
        }

        foreach (var attr in table.KeyAttributes)
        {
            if (!key.TryGetValue(attr.Name, out var v) || (byte)v.Type != (byte)attr.Type)
            {
                throw DynamoDbErrorException.Validation(message);
            }
        }

        return EncodeKey(table, key);
    }

    /// <summary>Validates the key attributes of a full item (PutItem) and returns its store key.</summary>
    private static ItemKey KeyFromItem(TableDescriptor table, IReadOnlyDictionary<string, AttributeValue> item)
    {
        foreach (var attr in table.KeyAttributes)
        {
            if (!item.TryGetValue(attr.Name, out var v))
            {
                throw DynamoDbErrorException.Validation($"One or more parameter values were invalid: Missing the key {attr.Name} in the item");
            }

            if ((byte)v.Type != (byte)attr.Type)
            {
                throw DynamoDbErrorException.Validation(
                    $"One or more parameter values were invalid: Type mismatch for key {attr.Name} expected: {attr.Type} actual: {v.Type}");
            }
        }

        return EncodeKey(table, item);
    }

    private static ItemKey EncodeKey(TableDescriptor table, IReadOnlyDictionary<string, AttributeValue> attributes)
    {
        var hash = attributes[table.HashKey.Name];
        CheckKeyValue(table.HashKey, hash, isHash: true);
        string? sort = null;
        if (table.RangeKey is not null)
        {
            var range = attributes[table.RangeKey.Name];
            CheckKeyValue(table.RangeKey, range, isHash: false);
            sort = SortKeyCodec.Encode(range);
        }

        return new ItemKey(SortKeyCodec.Encode(hash), sort);
    }

    private static void CheckKeyValue(KeyAttribute attr, AttributeValue value, bool isHash)
    {
        int length;
        switch (value.Type)
        {
            case AttributeType.S:
                if (value.S.Length == 0)
                {
                    throw DynamoDbErrorException.Validation(
                        $"One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty string value. Key: {attr.Name}");
                }

                length = Encoding.UTF8.GetByteCount(value.S);
                break;
            case AttributeType.B:
                if (value.B.Length == 0)
                {
                    throw DynamoDbErrorException.Validation(
                        $"One or more parameter values were invalid: The AttributeValue for a key attribute cannot contain an empty binary value. Key: {attr.Name}");
                }

                length = value.B.Length;
                break;
            default:
                return;
        }

        if (isHash && length > 2048)
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
        }

        if (!isHash && length > 1024)
        {
            throw DynamoDbErrorException.Validation("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
        }
    }

    /// <summary>The key attributes of an item, as a Key / LastEvaluatedKey map.</summary>
    private static Dictionary<string, AttributeValue> KeyAttributesOf(TableDescriptor table, IReadOnlyDictionary<string, AttributeValue> item)
    {
        var key = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var attr in table.KeyAttributes)
        {
            key[attr.Name] = item[attr.Name];
        }

        return key;
    }

    private static Dictionary<string, AttributeValue> ParseItemParameter(JsonElement element) => AttributeValueJson.ParseMap(element);

    private static DynamoDbErrorException MapStoreError(ItemStoreException e) => e.Kind switch
    {
        ItemStoreErrorKind.TableNotFound => DynamoDbErrorException.ResourceNotFound(),
        ItemStoreErrorKind.QuorumNotReached or ItemStoreErrorKind.Unavailable =>
            new DynamoDbErrorException(DynamoDbErrorTypes.ServiceUnavailable, "The service is currently unavailable or busy: " + e.Message, 503),
        _ => new DynamoDbErrorException(DynamoDbErrorTypes.InternalServerError, "Internal server error", 500),
    };

    internal static DynamoDbErrorException StoreError(ItemStoreException e) => MapStoreError(e);

    private static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Striped async locks serializing read-evaluate-write on the same key within this process.</summary>
    private sealed class KeyLocks
    {
        private readonly SemaphoreSlim[] _stripes;

        public KeyLocks(int stripes)
        {
            _stripes = new SemaphoreSlim[stripes];
            for (var i = 0; i < stripes; i++)
            {
                _stripes[i] = new SemaphoreSlim(1, 1);
            }
        }

        public async ValueTask<IDisposable> AcquireAsync(string table, ItemKey key, CancellationToken ct)
        {
            var hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(table), StringComparer.Ordinal.GetHashCode(key.PartitionKey), key.SortKey is null ? 0 : StringComparer.Ordinal.GetHashCode(key.SortKey));
            var stripe = _stripes[(int)((uint)hash % (uint)_stripes.Length)];
            await stripe.WaitAsync(ct);
            return new Releaser(stripe);
        }

        private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
        {
            private SemaphoreSlim? _semaphore = semaphore;

            public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
        }
    }
}
