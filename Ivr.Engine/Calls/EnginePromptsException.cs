namespace Ivr.Engine.Calls;

/// <summary>
/// Thrown at start-up when <c>sounds/engine-prompts.json</c> cannot give every sentence the engine says: a prompt or a
/// locale is missing, a template lacks a placeholder or uses one the engine does not fill, or the file cannot be read.
/// </summary>
public sealed class EnginePromptsException : Exception
{
    /// <summary>Creates the exception for <paramref name="prompt"/> in <paramref name="locale"/> (either may be null) of <paramref name="source"/>.</summary>
    public EnginePromptsException(string source, string? prompt, string? locale, string problem, Exception? inner = null)
        : base(Describe(source, prompt, locale, problem), inner)
    {
        FilePath = source;
        Prompt = prompt;
        Locale = locale;
    }

    /// <summary>The prompts file.</summary>
    public string FilePath { get; }

    /// <summary>The prompt concerned, or null when the problem is the file's.</summary>
    public string? Prompt { get; }

    /// <summary>The locale concerned, or null when the problem is not one locale's.</summary>
    public string? Locale { get; }

    private static string Describe(string source, string? prompt, string? locale, string problem) => (prompt, locale) switch
    {
        (null, null) => $"{source}: {problem}",
        (null, _) => $"{source}: locale '{locale}': {problem}",
        (_, null) => $"{source}: prompt '{prompt}': {problem}",
        _ => $"{source}: prompt '{prompt}' ({locale}): {problem}",
    };
}
