namespace Dynamo.Core.Versioning;

/// <summary>
/// The identity that issues version events ("dots"). Paper §4.4 uses the coordinating node; we add an
/// epoch so that a node which may have forgotten the counters it issued for a key (its copy was handed
/// off, or it restarted) never issues the same dot twice: it starts a fresh epoch instead. This is the
/// per-key-epoch fix Riak adopted after finding silent data loss with plain per-node actors.
/// </summary>
public readonly record struct Actor(NodeId Node, uint Epoch) : IComparable<Actor>
{
    public int CompareTo(Actor other)
    {
        var c = Node.CompareTo(other.Node);
        return c != 0 ? c : Epoch.CompareTo(other.Epoch);
    }

    public override string ToString() => $"{Node}#{Epoch}";

    public static bool operator <(Actor left, Actor right) => left.CompareTo(right) < 0;

    public static bool operator >(Actor left, Actor right) => left.CompareTo(right) > 0;

    public static bool operator <=(Actor left, Actor right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Actor left, Actor right) => left.CompareTo(right) >= 0;
}
