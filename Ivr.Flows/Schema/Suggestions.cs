namespace Ivr.Flows.Schema;

/// <summary>"Did you mean …?" hints from the Levenshtein distance between a typo and the allowed names.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate when it is close enough to be a plausible typo, else null.</summary>
    public static string? Closest(string typo, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (string.Equals(candidate, typo, StringComparison.OrdinalIgnoreCase)) return candidate;
            var d = Distance(typo, candidate);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best is null) return null;
        var allowed = Math.Max(1, Math.Min(3, Math.Max(typo.Length, best.Length) / 3));
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>"did you mean 'x'?" or null.</summary>
    public static string? DidYouMean(string typo, IEnumerable<string> candidates) =>
        Closest(typo, candidates) is { } c ? $"did you mean '{c}'?" : null;

    /// <summary>Levenshtein distance (insertions, deletions, substitutions), with adjacent transpositions counting one.</summary>
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
