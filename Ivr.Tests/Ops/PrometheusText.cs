using System.Globalization;
using System.Text.RegularExpressions;

namespace Ivr.Tests.Ops;

/// <summary>
/// Reads the Prometheus text exposition format (what <c>/metrics</c> serves) into samples keyed like
/// <c>ivr_calls_ended_total{reason="caller-hangup"}</c>: labels sorted, the exporter's <c>otel_scope_*</c> labels and the
/// <c>node</c> label every series carries left out (<see cref="SampleLines"/> keeps them; <c>MetricsNodeLabelTests</c> checks them).
/// </summary>
internal static partial class PrometheusText
{
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var match = Sample().Match(line);
            if (!match.Success) throw new FormatException("not a Prometheus sample: " + line);
            var labels = Label().Matches(match.Groups["labels"].Value)
                .Select(m => (Name: m.Groups["name"].Value, Value: m.Groups["value"].Value))
                .Where(l => !l.Name.StartsWith("otel_scope_", StringComparison.Ordinal) && l.Name != "node")
                .OrderBy(l => l.Name, StringComparer.Ordinal)
                .Select(l => $"{l.Name}=\"{l.Value}\"");
            var key = match.Groups["name"].Value + (labels.Any() ? "{" + string.Join(",", labels) + "}" : string.Empty);
            samples[key] = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    /// <summary>Every sample of <paramref name="text"/> as its name and all its labels (none left out), in the order served.</summary>
    public static List<(string Line, string Name, Dictionary<string, string> Labels)> SampleLines(string text)
    {
        var samples = new List<(string, string, Dictionary<string, string>)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var match = Sample().Match(line);
            if (!match.Success) throw new FormatException("not a Prometheus sample: " + line);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in Label().Matches(match.Groups["labels"].Value)) labels[label.Groups["name"].Value] = label.Groups["value"].Value;
            samples.Add((line, match.Groups["name"].Value, labels));
        }
        return samples;
    }

    /// <summary>The value of <paramref name="key"/>, 0 when the sample is absent (a counter never incremented).</summary>
    public static double Get(this IReadOnlyDictionary<string, double> samples, string key) => samples.TryGetValue(key, out var v) ? v : 0;

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex Label();
}
