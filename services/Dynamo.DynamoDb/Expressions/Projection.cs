using Dynamo.DynamoDb.Model;

namespace Dynamo.DynamoDb.Expressions;

/// <summary>Applies a projection (list of document paths) to an item, keeping the nesting of the projected paths.</summary>
internal static class Projection
{
    public static Dictionary<string, AttributeValue> Apply(IReadOnlyList<DocumentPath> paths, IReadOnlyDictionary<string, AttributeValue> item)
    {
        var root = new Node();
        foreach (var path in paths)
        {
            var value = path.Resolve(item);
            if (value is null)
            {
                continue;
            }

            var node = root;
            for (var i = 0; i < path.Elements.Count; i++)
            {
                var e = path.Elements[i];
                Node child;
                if (e.IsIndex)
                {
                    node.List ??= new SortedDictionary<int, Node>();
                    if (!node.List.TryGetValue(e.Index, out child!))
                    {
                        child = new Node();
                        node.List.Add(e.Index, child);
                    }
                }
                else
                {
                    node.Map ??= new Dictionary<string, Node>(StringComparer.Ordinal);
                    if (!node.Map.TryGetValue(e.Name!, out child!))
                    {
                        child = new Node();
                        node.Map.Add(e.Name!, child);
                    }
                }

                node = child;
            }

            node.Leaf = value;
        }

        var result = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        if (root.Map is not null)
        {
            foreach (var (k, child) in root.Map)
            {
                result[k] = child.ToValue();
            }
        }

        return result;
    }

    private sealed class Node
    {
        public Dictionary<string, Node>? Map { get; set; }

        public SortedDictionary<int, Node>? List { get; set; }

        public AttributeValue? Leaf { get; set; }

        public AttributeValue ToValue()
        {
            if (Leaf is not null)
            {
                return Leaf;
            }

            if (Map is not null)
            {
                return AttributeValue.FromM(Map.ToDictionary(kv => kv.Key, kv => kv.Value.ToValue(), StringComparer.Ordinal));
            }

            return AttributeValue.FromL(List!.Values.Select(n => n.ToValue()).ToList());
        }
    }
}
