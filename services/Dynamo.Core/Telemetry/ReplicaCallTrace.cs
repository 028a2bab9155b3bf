using System.Diagnostics;

namespace Dynamo.Core.Telemetry;

/// <summary>
/// What a coordinator records of one replica call: its <c>dynamo.replica.duration</c> measurement and its
/// span, ended exactly once, whether the replica answered or the operation finished first. A struct kept
/// in the operation's table of calls and ended in place, so a call costs no object of its own.
/// </summary>
internal struct ReplicaCallTrace(string role, Activity? span)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private bool _ended;

    /// <summary>Records the call's duration and ends its span; false when it had already ended.</summary>
    public bool End(string operation, string outcome)
    {
        if (_ended)
        {
            return false;
        }

        _ended = true;
        NodeTelemetry.ReplicaDuration.Record(
            NodeTelemetry.ElapsedMs(_started),
            new("dynamo.operation", operation),
            new("dynamo.replica.role", role),
            new("dynamo.outcome", outcome));
        NodeTelemetry.End(span, outcome);
        return true;
    }
}
