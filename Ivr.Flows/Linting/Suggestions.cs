namespace Ivr.Flows.Linting;

/// <summary>"Did you mean …" hints from the Levenshtein distance between a wrong name and the known ones.</summary>
internal static class Suggestions
{
    /// <summary>The known name closest to <paramref name="name"/> (case-insensitive), or null when none is close enough.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
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
        // A third of the name may be wrong, at least one edit: enough for typos, not for unrelated names.
        var allowed = Math.Max(1, name.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>A hint "did you mean 'x'?" or, without a close name, <paramref name="fallback"/>.</summary>
    public static string? DidYouMean(string name, IEnumerable<string> known, string? fallback = null)
    {
        var closest = Closest(name ?? string.Empty, known);
        return closest is null ? fallback : $"did you mean '{closest}'?";
    }

    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1).</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length == 0) return b.Length;
        if (b.Length == 0) return a.Length;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
