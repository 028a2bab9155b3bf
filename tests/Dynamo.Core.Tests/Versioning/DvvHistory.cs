using System.Text;
using CsCheck;
using Dynamo.Core.Versioning;

namespace Dynamo.Core.Tests.Versioning;

/// <summary>
/// Random histories of a few replicas of one key: coordinated writes with contexts read earlier from
/// any replica (possibly stale), and pairwise syncs. Each replica also runs an explicit reference model
/// (the sets of known and live dots, no compaction) so that every step of the DVVSet can be checked.
/// </summary>
internal static class DvvHistory
{
    public const int Replicas = 3;

    /// <summary>Write(at, ctxFrom|-1), WriteStale(at, slot), Sync(from, to), Save(from, slot).</summary>
    public enum Kind
    {
        Write,
        WriteStale,
        Sync,
        Save,
    }

    public readonly record struct Op(Kind Kind, int A, int B);

    public static readonly Gen<Op> GenOp =
        Gen.Frequency(
            (4, Gen.Select(Gen.Int[0, Replicas - 1], Gen.Int[-1, Replicas - 1], (a, b) => new Op(Kind.Write, a, b))),
            (2, Gen.Select(Gen.Int[0, Replicas - 1], Gen.Int[0, 3], (a, b) => new Op(Kind.WriteStale, a, b))),
            (3, Gen.Select(Gen.Int[0, Replicas - 1], Gen.Int[0, Replicas - 1], (a, b) => new Op(Kind.Sync, a, b))),
            (1, Gen.Select(Gen.Int[0, Replicas - 1], Gen.Int[0, 3], (a, b) => new Op(Kind.Save, a, b))));

    public static readonly Gen<Op[]> GenHistory = GenOp.Array[0, 40];

    public static Actor ActorOf(int replica) => new(new NodeId("r" + replica), 1);

    public sealed class Model
    {
        public HashSet<(Actor Actor, long Counter)> Known { get; } = [];

        public Dictionary<(Actor Actor, long Counter), string> Live { get; } = [];

        public Model Clone()
        {
            var m = new Model();
            m.Known.UnionWith(Known);
            foreach (var kv in Live)
            {
                m.Live[kv.Key] = kv.Value;
            }

            return m;
        }

        public static IEnumerable<(Actor, long)> DotsOf(VersionVector vv)
        {
            foreach (var e in vv.Entries.ToArray())
            {
                for (long c = 1; c <= e.Value; c++)
                {
                    yield return (e.Key, c);
                }
            }
        }

        public void Update(VersionVector ctx, Actor actor, string value)
        {
            var seen = DotsOf(ctx).ToHashSet();
            foreach (var d in seen)
            {
                Live.Remove(d);
            }

            Known.UnionWith(seen);
            long next = Known.Where(d => d.Actor == actor).Select(d => d.Counter).DefaultIfEmpty(0).Max() + 1;
            Known.Add((actor, next));
            Live[(actor, next)] = value;
        }

        public static Model Sync(Model x, Model y)
        {
            var m = new Model();
            m.Known.UnionWith(x.Known);
            m.Known.UnionWith(y.Known);
            foreach (var (a, b) in new[] { (x, y), (y, x) })
            {
                foreach (var kv in a.Live)
                {
                    if (b.Live.ContainsKey(kv.Key) || !b.Known.Contains(kv.Key))
                    {
                        m.Live[kv.Key] = kv.Value;
                    }
                }
            }

            return m;
        }
    }

    public sealed class Run
    {
        public DottedVersionVectorSet[] States { get; } = [.. Enumerable.Repeat(DottedVersionVectorSet.Empty, Replicas)];

        public Model[] Models { get; } = [.. Enumerable.Range(0, Replicas).Select(_ => new Model())];

        public VersionVector[] Slots { get; } = [.. Enumerable.Repeat(VersionVector.Empty, 4)];

        public List<DottedVersionVectorSet> Seen { get; } = [];

        public int Writes { get; private set; }

        public void Apply(Op op)
        {
            switch (op.Kind)
            {
                case Kind.Write:
                case Kind.WriteStale:
                    var ctx = op.Kind == Kind.WriteStale ? Slots[op.B] : op.B < 0 ? VersionVector.Empty : States[op.B].Context();
                    string value = "v" + Writes++;
                    States[op.A] = States[op.A].Update(ctx, ActorOf(op.A), new Sibling(Encoding.UTF8.GetBytes(value), "text/plain"));
                    Models[op.A].Update(ctx, ActorOf(op.A), value);
                    break;
                case Kind.Sync:
                    States[op.B] = DottedVersionVectorSet.Sync(States[op.A], States[op.B]);
                    Models[op.B] = Model.Sync(Models[op.A], Models[op.B]);
                    break;
                case Kind.Save:
                    Slots[op.B] = States[op.A].Context();
                    break;
            }

            Seen.Add(States[op.Kind == Kind.Sync ? op.B : op.A]);
        }

        public static Run Of(IEnumerable<Op> ops)
        {
            var run = new Run();
            foreach (var op in ops)
            {
                run.Apply(op);
            }

            return run;
        }
    }

    public static string[] ValuesOf(DottedVersionVectorSet s) =>
        [.. s.Siblings.Select(v => Encoding.UTF8.GetString(v.Value.Span)).Order(StringComparer.Ordinal)];

    public static string[] ValuesOf(Model m) => [.. m.Live.Values.Order(StringComparer.Ordinal)];

    public static VersionVector ContextOf(Model m) =>
        VersionVector.From(m.Known.GroupBy(d => d.Actor).Select(g => new KeyValuePair<Actor, long>(g.Key, g.Max(d => d.Counter))));
}
