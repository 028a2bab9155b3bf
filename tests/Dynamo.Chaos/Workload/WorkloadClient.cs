using System.Text;
using Dynamo.Client;
using Dynamo.Simulation;

namespace Dynamo.Chaos.Workload;

/// <summary>
/// One client, as in the simulation's <see cref="Simulation.Workload"/> but against real processes: it
/// loops read, then write a unique value (or delete) with the read's context, recording each operation
/// with the values it had read. Set clients add a unique element by read, merge of the siblings, write.
/// A write is never retried: a retried PUT would be a second version of the same value.
/// </summary>
public sealed class WorkloadClient(string name, IDynamoClient client, RecordedHistory history, KeySpace keys, Random random, bool sets, ClientErrors errors)
{
    private const double DeleteShare = 0.12;
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(15);

    public string Name => name;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            bool ok = sets ? await SetStepAsync() : await KvStepAsync();
            if (!ok)
            {
                // The cluster could not answer: pace the next attempt instead of spinning on an outage.
                await Task.Delay(20 + random.Next(100), CancellationToken.None);
            }
        }
    }

    private async Task<bool> KvStepAsync()
    {
        string key = keys.PickKv(random);
        if (await ReadAsync(KeySpace.KvTable, key) is not { } read)
        {
            return false;
        }

        var readSet = ValuesOf(read).ToHashSet(StringComparer.Ordinal);
        bool delete = read.Context is not null && random.NextDouble() < DeleteShare;
        var op = history.Begin(name, delete ? OpKind.Delete : OpKind.Write, KeySpace.KvTable, key, readSet);
        return await CompleteAsync(op, async ct =>
        {
            if (delete)
            {
                await client.DeleteAsync(KeySpace.KvTable, key, read.Context, cancellation: ct);
            }
            else
            {
                await client.PutAsync(KeySpace.KvTable, key, Encoding.UTF8.GetBytes(op.Value!), "text/plain", read.Context, cancellation: ct);
            }
        });
    }

    private async Task<bool> SetStepAsync()
    {
        string key = keys.PickSet(random);
        if (await ReadAsync(KeySpace.SetTable, key) is not { } read)
        {
            return false;
        }

        var readSet = ValuesOf(read).ToHashSet(StringComparer.Ordinal);
        var op = history.Begin(name, OpKind.SetAdd, KeySpace.SetTable, key, readSet);
        var merged = read.Siblings.SelectMany(s => Simulation.Workload.ElementsOf(s.Value)).Append(op.Element!).Distinct().Order(StringComparer.Ordinal);
        var body = Encoding.UTF8.GetBytes(op.Value + "|" + string.Join(",", merged));
        return await CompleteAsync(op, ct => client.PutAsync(KeySpace.SetTable, key, body, "text/plain", read.Context, cancellation: ct));
    }

    private static IEnumerable<string> ValuesOf(ReadResult read) => read.Siblings.Select(s => Simulation.Workload.ValueOf(s.Value));

    private async Task<ReadResult?> ReadAsync(string table, string key)
    {
        var op = history.Begin(name, OpKind.Read, table, key);
        ReadResult? result = null;
        await CompleteAsync(op, async ct => result = await client.GetAsync(table, key, cancellation: ct), () => [.. ValuesOf(result!)]);
        return op.Outcome == Outcome.Ok ? result : null;
    }

    private async Task<bool> CompleteAsync(HistoryOp op, Func<CancellationToken, Task> call, Func<IReadOnlyList<string>>? returned = null)
    {
        using var timeout = new CancellationTokenSource(OperationTimeout);
        Outcome outcome;
        try
        {
            await call(timeout.Token);
            history.Complete(op, Outcome.Ok, returned?.Invoke());
            return true;
        }
        catch (DynamoException ex) when (ex.IsUnavailable)
        {
            // Quorum not met or no coordinator in time: the write may or may not have landed.
            errors.UnavailableAnswer();
            outcome = Outcome.Unknown;
        }
        catch (DynamoException ex) when (ex.Status >= 500)
        {
            errors.ServerError($"{name} {op.Kind} {op.Table}/{op.Key}: {ex.Message}");
            outcome = Outcome.Unknown;
        }
        catch (DynamoException ex)
        {
            // A 4xx for a well-formed request: the checker reports it as a rejection.
            errors.Rejected($"{name} {op.Kind} {op.Table}/{op.Key}: {ex.Message}");
            outcome = Outcome.Failed;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            outcome = Outcome.Unknown;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.UnexpectedError($"{name} {op.Kind} {op.Table}/{op.Key}: {ex.GetType().Name}: {ex.Message}");
            outcome = Outcome.Unknown;
        }

        history.Complete(op, outcome);
        return false;
    }
}
