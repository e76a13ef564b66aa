namespace Ivr.Flows.Runtime;

/// <summary>
/// The caller number the contact history keeps: withheld numbers (<c>anonymous</c>, <c>unknown</c>, <c>restricted</c>,
/// <c>private</c>, empty; RFC 3323 / AGI's <c>unknown</c>) all become the empty string, which is never one caller.
/// </summary>
public static class CallerNumbers
{
    private static readonly string[] Withheld = ["anonymous", "unknown", "restricted", "private", "anonymous.invalid"];

    /// <summary>The number as kept: trimmed, or empty when the caller withheld it.</summary>
    public static string Normalise(string? number)
    {
        var trimmed = number?.Trim() ?? string.Empty;
        return IsWithheld(trimmed) ? string.Empty : trimmed;
    }

    /// <summary>Whether <paramref name="number"/> says the caller withheld their number (or is empty).</summary>
    public static bool IsWithheld(string? number)
    {
        var trimmed = number?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return true;
        // sip:anonymous@anonymous.invalid or anonymous@host: the user part decides.
        var user = trimmed.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) ? trimmed[4..] : trimmed;
        var at = user.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) user = user[..at];
        return Array.Exists(Withheld, w => string.Equals(w, user, StringComparison.OrdinalIgnoreCase));
    }
}
