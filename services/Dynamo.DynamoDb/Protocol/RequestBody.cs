using Microsoft.AspNetCore.Http;

namespace Dynamo.DynamoDb.Protocol;

/// <summary>Reading a request body where the client may have framed it badly.</summary>
public static class RequestBody
{
    /// <summary>
    /// <see cref="HttpRequest.Body"/>'s ReadAsync, except that a body Kestrel cannot parse to its end
    /// is the client's fault: it becomes a <see cref="BadHttpRequestException"/>, answered 400 rather than 500.
    /// </summary>
    public static async ValueTask<int> ReadChunkAsync(this HttpRequest request, Memory<byte> buffer, CancellationToken cancellation)
    {
        try
        {
            return await request.Body.ReadAsync(buffer, cancellation);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or IOException or BadHttpRequestException))
        {
            // Kestrel's chunked parser throws InvalidOperationException (a trailer with control characters)
            // or OverflowException (a chunk size of twenty hex digits) rather than BadHttpRequestException.
            throw new BadHttpRequestException("The request body is malformed: " + ex.Message, StatusCodes.Status400BadRequest, ex);
        }
    }
}
