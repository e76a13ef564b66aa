namespace Ivr.Flows.Model;

/// <summary>A reusable prompt: per locale, a sound file and/or text to speak.</summary>
public sealed record PromptDefinition(string Name, IReadOnlyDictionary<string, PromptVariant> Locales, string Pointer);

/// <summary>One locale of a prompt. <see cref="Sound"/> is relative to <c>sounds/</c>; <see cref="Text"/> may hold <c>{var}</c>.</summary>
public sealed record PromptVariant(string? Sound, string? Text, string Pointer);

/// <summary>One item of a prompt reference: a named prompt, or an inline sound/text used for every locale.</summary>
public sealed record PromptItem(string? Name, string? Sound, string? Text, string Pointer)
{
    public static PromptItem Named(string name, string pointer = "") => new(name, null, null, pointer);
    public static PromptItem InlineText(string text, string pointer = "") => new(null, null, text, pointer);
}

/// <summary>A prompt reference in a step: items played in sequence.</summary>
public sealed record PromptRef(IReadOnlyList<PromptItem> Items, string Pointer)
{
    public static PromptRef Of(params string[] names) =>
        new(names.Select(n => PromptItem.Named(n)).ToArray(), string.Empty);
}
