namespace Dynamo.Cart.Cluster;

/// <summary>A stable colour per node id, shared by the ring, the legend and the preference lists.</summary>
public static class NodeColors
{
    // Distinguishable on white and for the common colour-vision deficiencies (Okabe-Ito based).
    private static readonly string[] Palette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#7f7f7f"];

    public static string For(string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);

        // "node3" → the 3rd colour, so the colours read in order; other ids hash deterministically.
        if (nodeId.StartsWith("node", StringComparison.Ordinal) && int.TryParse(nodeId.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture, out int i) && i > 0)
        {
            return Palette[(i - 1) % Palette.Length];
        }

        uint h = 2166136261;
        foreach (char c in nodeId)
        {
            h = (h ^ c) * 16777619;
        }

        return Palette[h % (uint)Palette.Length];
    }
}
