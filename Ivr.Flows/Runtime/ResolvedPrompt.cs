namespace Ivr.Flows.Runtime;

/// <summary>One prompt item ready to play: the locale it was resolved in, a sound file and/or text with variables interpolated.</summary>
/// <param name="Name">The prompt's name in <c>prompts</c>, or null for an inline item.</param>
/// <param name="Locale">The locale actually used (the call's, or the flow's default when the prompt lacks it).</param>
/// <param name="Sound">Path under <c>sounds/</c>, or null.</param>
/// <param name="Text">Text for TTS with <c>{var}</c> replaced, or null.</param>
public sealed record ResolvedPrompt(string? Name, string Locale, string? Sound, string? Text);
