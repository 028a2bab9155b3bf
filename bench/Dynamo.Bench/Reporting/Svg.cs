using System.Globalization;
using System.Net;
using System.Text;

namespace Dynamo.Bench.Reporting;

/// <summary>Minimal inline-SVG charts for the HTML report (no scripts, no external assets).</summary>
internal static class Svg
{
    public static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public sealed record Bar(string Label, double Value, string Color, string ValueText);

    public sealed record Line(string Name, string Color, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

    public static string HorizontalBars(IReadOnlyList<Bar> bars, string unit)
    {
        const int labelWidth = 170, barArea = 520, rowHeight = 30, top = 10, valueWidth = 130;
        var height = top + (bars.Count * rowHeight) + 42;
        var width = labelWidth + barArea + valueWidth;
        var max = NiceMax(bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">"));
        foreach (var tick in Ticks(max))
        {
            var x = labelWidth + (tick / max * barArea);
            sb.Append(F($"<line x1=\"{x:0.#}\" y1=\"{top}\" x2=\"{x:0.#}\" y2=\"{height - 36}\" stroke=\"#e5e5e5\"/>"));
            sb.Append(F($"<text x=\"{x:0.#}\" y=\"{height - 22}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">{Short(tick)}</text>"));
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var b = bars[i];
            var y = top + (i * rowHeight);
            var w = Math.Max(1, b.Value / max * barArea);
            sb.Append(F($"<text x=\"{labelWidth - 8}\" y=\"{y + 19}\" font-size=\"13\" text-anchor=\"end\">{E(b.Label)}</text>"));
            sb.Append(F($"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{rowHeight - 8}\" fill=\"{b.Color}\"><title>{E(b.Label)}: {E(b.ValueText)}</title></rect>"));
            sb.Append(F($"<text x=\"{labelWidth + w + 6:0.#}\" y=\"{y + 19}\" font-size=\"12\" fill=\"#333\">{E(b.ValueText)}</text>"));
        }

        sb.Append(F($"<text x=\"{labelWidth + (barArea / 2)}\" y=\"{height - 4}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">{E(unit)}</text>"));
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string LineChart(IReadOnlyList<Line> lines, string xLabel, string yLabel, int width = 560, int height = 240)
    {
        const int left = 56, right = 12, top = 12, bottom = 40;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var maxX = NiceMax(Math.Max(1, lines.SelectMany(l => l.Points).Select(p => p.X).DefaultIfEmpty(1).Max()) / 1.05);
        var maxY = NiceMax(lines.SelectMany(l => l.Points).Select(p => p.Y).DefaultIfEmpty(1).Max());
        var sb = new StringBuilder();
        sb.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\">"));
        foreach (var tick in Ticks(maxY))
        {
            var y = top + plotH - (tick / maxY * plotH);
            sb.Append(F($"<line x1=\"{left}\" y1=\"{y:0.#}\" x2=\"{left + plotW}\" y2=\"{y:0.#}\" stroke=\"#e5e5e5\"/>"));
            sb.Append(F($"<text x=\"{left - 6}\" y=\"{y + 4:0.#}\" font-size=\"11\" text-anchor=\"end\" fill=\"#666\">{Short(tick)}</text>"));
        }

        foreach (var tick in Ticks(maxX))
        {
            var x = left + (tick / maxX * plotW);
            sb.Append(F($"<text x=\"{x:0.#}\" y=\"{top + plotH + 16}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">{Short(tick)}</text>"));
        }

        sb.Append(F($"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#999\"/>"));
        sb.Append(F($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotH}\" stroke=\"#999\"/>"));
        foreach (var line in lines)
        {
            if (line.Points.Count == 0)
            {
                continue;
            }

            var points = new StringBuilder();
            foreach (var (px, py) in line.Points)
            {
                points.Append(F($"{left + (px / maxX * plotW):0.#},{top + plotH - (py / maxY * plotH):0.#} "));
            }

            var dash = line.Dashed ? " stroke-dasharray=\"5,3\"" : "";
            sb.Append(F($"<polyline fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"1.8\"{dash} points=\"{points.ToString().TrimEnd()}\"><title>{E(line.Name)}</title></polyline>"));
        }

        // legend
        var lx = left + 8;
        foreach (var line in lines)
        {
            var dash = line.Dashed ? " stroke-dasharray=\"5,3\"" : "";
            sb.Append(F($"<line x1=\"{lx}\" y1=\"{top + 8}\" x2=\"{lx + 18}\" y2=\"{top + 8}\" stroke=\"{line.Color}\" stroke-width=\"2\"{dash}/>"));
            sb.Append(F($"<text x=\"{lx + 22}\" y=\"{top + 12}\" font-size=\"11\">{E(line.Name)}</text>"));
            lx += 30 + (line.Name.Length * 7);
        }

        sb.Append(F($"<text x=\"{left + (plotW / 2)}\" y=\"{height - 4}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">{E(xLabel)}</text>"));
        sb.Append(F($"<text x=\"12\" y=\"{top + (plotH / 2)}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\" transform=\"rotate(-90 12 {top + (plotH / 2)})\">{E(yLabel)}</text>"));
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string E(string s) => WebUtility.HtmlEncode(s);

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The axis maximum: the data maximum rounded up to a whole number of <see cref="Step"/>s.</summary>
    private static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }

        var step = Step(value * 1.05);
        return Math.Ceiling(value * 1.05 / step) * step;
    }

    /// <summary>A round tick step (1, 2, 2.5 or 5 × 10^k) giving about five ticks up to <paramref name="max"/>.</summary>
    private static double Step(double max)
    {
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var m in new[] { 1.0, 2, 2.5, 5, 10 })
        {
            if (m * magnitude >= raw)
            {
                return m * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static IEnumerable<double> Ticks(double max)
    {
        var step = Step(max);
        for (var t = 0.0; t <= max * 1.0001; t += step)
        {
            yield return t;
        }
    }

    private static string Short(double v) => v switch
    {
        >= 1_000_000 => F($"{v / 1_000_000:0.##}M"),
        >= 10_000 => F($"{v / 1000:0.#}k"),
        >= 100 => F($"{v:0}"),
        >= 1 => F($"{v:0.##}"),
        0 => "0",
        _ => F($"{v:0.###}"),
    };
}
