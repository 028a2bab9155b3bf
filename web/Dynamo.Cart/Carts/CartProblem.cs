using Dynamo.Client;

namespace Dynamo.Cart.Carts;

/// <summary>
/// A failure in words a shopper understands, with what Retry will do. Nothing is lost when one is shown:
/// a change that could not be stored stays in the tab (and merging it again later is harmless, because
/// merging is idempotent).
/// </summary>
public sealed record CartProblem(string Title, string Message, string? Detail, RetryAction Retry)
{
    public static CartProblem From(Exception ex, RetryAction retry, TableInfo? table, string routerUrl)
    {
        ArgumentNullException.ThrowIfNull(ex);
        string quorum = table is null
            ? ""
            : retry == RetryAction.Read ? $" (R = {table.R} of N = {table.N})" : $" (W = {table.W} of N = {table.N})";
        string kept = retry == RetryAction.Write ? " Your change is kept in this tab; Retry sends it again." : " Retry reads it again.";
        return ex switch
        {
            DynamoException { Title: "Ring still forming" } d => new(
                "The cluster is still starting",
                "The storage nodes are still joining the ring, so the carts table cannot be created yet." + kept,
                d.Detail,
                retry),
            DynamoException { IsUnavailable: true } d => new(
                "Not enough replicas answered",
                (retry == RetryAction.Read ? "The cluster could not reach enough replicas to read your cart" : "The cluster could not reach enough replicas to store your change")
                    + quorum + "." + kept,
                d.Detail is { Length: > 0 } detail ? $"{d.Title}: {detail}" : d.Title,
                retry),
            DynamoException d => new(
                "The cluster refused the request",
                $"The router answered {d.Status} {d.Title}." + kept,
                d.Detail,
                retry),
            HttpRequestException or TaskCanceledException or TimeoutException or Polly.ExecutionRejectedException => new(
                "The cluster cannot be reached",
                $"The cart could not get an answer from the Dynamo router ({routerUrl}). Is the cluster running?" + kept,
                ex.Message,
                retry),
            _ => new("Something went wrong", "An unexpected error happened." + kept, ex.Message, retry),
        };
    }
}
