namespace Dynamo.Core.Storage;

/// <summary>
/// When the write-ahead log reaches stable storage (DESIGN §4 "Durability"). Every policy survives a
/// process crash: a write is in the WAL (in the OS page cache) before it is acknowledged. They differ
/// on power failure or kernel crash:
/// <list type="bullet">
/// <item><see cref="Always"/>: each write is fsynced before it returns; nothing acknowledged is lost.</item>
/// <item><see cref="GroupCommit"/> (default): the host fsyncs every few milliseconds and releases the
/// acknowledgements waiting on that sync; nothing acknowledged is lost, at the cost of up to one interval
/// of added latency, amortized over all writes of the interval.</item>
/// <item><see cref="None"/>: the OS writes back when it likes (about 30 s on Linux); writes acknowledged
/// in that window can be lost by a power failure on this replica (other replicas still hold them when
/// W ≥ 2 and they did not all lose power).</item>
/// </list>
/// </summary>
public enum FsyncPolicy
{
    GroupCommit = 0,
    Always = 1,
    None = 2,
}
