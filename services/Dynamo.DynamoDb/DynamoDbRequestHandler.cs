using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dynamo.DynamoDb.Auth;
using Dynamo.DynamoDb.Operations;
using Dynamo.DynamoDb.Protocol;
using Dynamo.DynamoDb.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dynamo.DynamoDb;

/// <summary>
/// Serves the DynamoDB JSON protocol (version 20120810) on one HTTP endpoint: <c>POST</c> with
/// <c>X-Amz-Target: DynamoDB_20120810.&lt;Operation&gt;</c> and content type <c>application/x-amz-json-1.0</c>.
/// Register with <see cref="DynamoDbApiServiceCollectionExtensions.AddDynamoDbApi"/> and map with
/// <see cref="DynamoDbApiEndpointRouteBuilderExtensions.MapDynamoDbApi"/>.
/// </summary>
public sealed partial class DynamoDbRequestHandler
{
    private const string ContentType = "application/x-amz-json-1.0";
    private const string TargetPrefix = "DynamoDB_20120810.";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    private readonly DynamoDbOperations _operations;
    private readonly DynamoDbApiOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DynamoDbRequestHandler> _logger;

    /// <summary>Creates the handler.</summary>
    public DynamoDbRequestHandler(
        IItemStore store,
        HybridLogicalClock clock,
        IOptions<DynamoDbApiOptions> options,
        TimeProvider timeProvider,
        ILogger<DynamoDbRequestHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _operations = new DynamoDbOperations(store, clock, _options, timeProvider);
    }

    /// <summary>Handles one HTTP request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = NewRequestId();

        if (request.ContentLength > _options.MaxRequestBytes)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var output = new ArrayBufferWriter<byte>(1024);
        var status = 200;
        try
        {
            var operation = ParseTarget(request.Headers["X-Amz-Target"].ToString());
            var identity = SigV4Verifier.Authenticate(request, body, _options, _time.GetUtcNow());
            CheckContentType(request.ContentType, body.Length);
            var opContext = new OperationContext(identity?.Region ?? _options.DefaultRegion);
            using var document = ParseJson(body);
            var reader = new RequestReader(document.RootElement);
            await using var writer = new Utf8JsonWriter(output, WriterOptions);
            await _operations.ExecuteAsync(operation, reader, opContext, writer, context.RequestAborted);
            await writer.FlushAsync(context.RequestAborted);
        }
        catch (DynamoDbErrorException e)
        {
            status = WriteError(output, e);
        }
        catch (ItemStoreException e)
        {
            var error = DynamoDbOperations.StoreError(e);
            if (error.StatusCode >= 500)
            {
                LogStoreFailure(_logger, e.Kind, e);
            }

            status = WriteError(output, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Any unexpected failure must become a DynamoDB InternalServerError, never a dropped connection.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnexpected(_logger, e);
            status = WriteError(output, new DynamoDbErrorException(DynamoDbErrorTypes.InternalServerError, "Internal server error", 500));
        }

        response.StatusCode = status;
        response.ContentType = ContentType;
        response.ContentLength = output.WrittenCount;
        response.Headers["x-amz-crc32"] = Crc32.Compute(output.WrittenSpan).ToString(CultureInfo.InvariantCulture);
        await response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)Math.Min(length, _options.MaxRequestBytes) : 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.ReadChunkAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > _options.MaxRequestBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static string ParseTarget(string target)
    {
        if (target.StartsWith(TargetPrefix, StringComparison.Ordinal))
        {
            var operation = target[TargetPrefix.Length..];
            if (DynamoDbOperations.Supported.Contains(operation))
            {
                return operation;
            }
        }

        throw new DynamoDbErrorException(DynamoDbErrorTypes.UnknownOperation, "An unknown operation was requested.");
    }

    private static void CheckContentType(string? contentType, int bodyLength)
    {
        if (bodyLength == 0 || string.IsNullOrEmpty(contentType))
        {
            return;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        if (!mediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase) && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.UnknownOperation, "Unsupported content type: " + mediaType);
        }
    }

    private static JsonDocument ParseJson(byte[] body)
    {
        if (body.Length == 0)
        {
            throw DynamoDbErrorException.Serialization("The request body is empty");
        }

        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw DynamoDbErrorException.Serialization("Malformed JSON: " + e.Message);
        }
    }

    private static int WriteError(ArrayBufferWriter<byte> output, DynamoDbErrorException error)
    {
        output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("__type", error.ErrorType);
        writer.WriteString(error.ErrorType == DynamoDbErrorTypes.Serialization ? "Message" : "message", error.Message);
        if (error.Item is not null)
        {
            writer.WritePropertyName("Item");
            AttributeValueJson.WriteMap(writer, error.Item);
        }

        writer.WriteEndObject();
        writer.Flush();
        return error.StatusCode;
    }

    private static string NewRequestId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Span<char> chars = stackalloc char[52];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item store failure ({Kind}) while serving a DynamoDB request")]
    private static partial void LogStoreFailure(ILogger logger, ItemStoreErrorKind kind, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while serving a DynamoDB request")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
