using System.Text.RegularExpressions;

namespace Ivr.Flows.Linting;

/// <summary>Built-in variables and <c>{var}</c> interpolation, as docs/flow-format.md defines them.</summary>
internal static partial class Variables
{
    /// <summary>The locale variable: the only built-in a flow may write.</summary>
    public const string Language = "language";

    /// <summary>Variables the host provides to every call.</summary>
    public static readonly IReadOnlySet<string> BuiltIn = Runtime.BuiltInVariables.All;

    /// <summary>True for a built-in other than <c>language</c>.</summary>
    public static bool IsReadOnly(string name) => name != Language && BuiltIn.Contains(name);

    /// <summary>Names interpolated as <c>{name}</c> in a template, in order.</summary>
    public static IEnumerable<string> Interpolated(string? template)
    {
        if (string.IsNullOrEmpty(template)) yield break;
        foreach (Match m in InterpolationRegex().Matches(template)) yield return m.Groups[1].Value;
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_.\-]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex InterpolationRegex();
}
