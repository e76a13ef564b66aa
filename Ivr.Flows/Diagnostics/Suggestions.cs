namespace Ivr.Flows.Diagnostics;

/// <summary>"Did you mean …?" hints from the edit distance between a wrong name and the known ones (schema and linter alike).</summary>
internal static class Suggestions
{
    /// <summary>The known name closest to <paramref name="name"/> (case-insensitive), or null when none is close enough to be a typo.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        name ??= string.Empty;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (candidate is null || candidate == name) continue;
            var d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best is null) return null;
        // A third of the name may be wrong (at least one edit, at most four): enough for typos, not for unrelated names.
        var allowed = Math.Clamp(Math.Max(name.Length, best.Length) / 3, 1, 4);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>A hint "did you mean 'x'?" or, without a close name, <paramref name="fallback"/>.</summary>
    public static string? DidYouMean(string name, IEnumerable<string> known, string? fallback = null) =>
        Closest(name, known) is { } c ? $"did you mean '{c}'?" : fallback;

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost one.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
