using System.Text.Json;

namespace Ivr.Engine.Calls;

/// <summary>
/// Reads <c>sounds/engine-prompts.json</c> once at start-up into <see cref="EnginePrompts"/>. The file has the shape of a
/// flow's <c>prompts</c> (so <c>scripts/render-sounds.sh</c> renders its recorded sounds):
/// <c>{ "prompts": { NAME: { LOCALE: { "sound"?: PATH, "text": TEXT } } } }</c>. Every prompt the engine says must be there
/// in every locale the file has (the default one included), with exactly the placeholders the engine fills; a prompt with
/// placeholders is text only. Anything else is an <see cref="EnginePromptsException"/> naming the prompt and locale.
/// </summary>
public static class EnginePromptsLoader
{
    /// <summary>Loads <see cref="EnginePrompts.FileName"/> from <paramref name="soundsFolder"/>.</summary>
    public static EnginePrompts Load(string soundsFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(soundsFolder);
        var path = Path.Combine(soundsFolder, EnginePrompts.FileName);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EnginePromptsException(path, null, null,
                $"cannot be read ({ex.Message}); it holds what the engine says itself (callback greeting and refusals, queue announcements and offers)", ex);
        }
        return Parse(json, path);
    }

    /// <summary>Parses the prompts in <paramref name="json"/>; <paramref name="source"/> names the file in errors.</summary>
    public static EnginePrompts Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(source);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new EnginePromptsException(source, null, null, $"not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("prompts", out var prompts) || prompts.ValueKind != JsonValueKind.Object)
                throw new EnginePromptsException(source, null, null, "needs an object \"prompts\": { NAME: { LOCALE: { \"sound\"?, \"text\" } } }");
            return Read(prompts, source);
        }
    }

    private static EnginePrompts Read(JsonElement prompts, string source)
    {
        // The locales are every one the file uses: a locale is complete or it is an error, never half-translated.
        var locales = new List<string>();
        foreach (var prompt in prompts.EnumerateObject())
        {
            if (!EnginePrompts.Expected.ContainsKey(prompt.Name))
                throw new EnginePromptsException(source, prompt.Name, null,
                    $"is not a prompt the engine says (those are: {string.Join(", ", EnginePrompts.Expected.Keys.Order(StringComparer.Ordinal))})");
            if (prompt.Value.ValueKind != JsonValueKind.Object)
                throw new EnginePromptsException(source, prompt.Name, null, "needs an object of locales: { LOCALE: { \"sound\"?, \"text\" } }");
            foreach (var locale in prompt.Value.EnumerateObject())
            {
                if (string.IsNullOrWhiteSpace(locale.Name))
                    throw new EnginePromptsException(source, prompt.Name, locale.Name, "a locale needs a name such as en-US");
                if (!locales.Contains(locale.Name, StringComparer.OrdinalIgnoreCase)) locales.Add(locale.Name);
            }
        }
        if (!locales.Contains(EnginePrompts.DefaultLocale, StringComparer.OrdinalIgnoreCase))
            throw new EnginePromptsException(source, null, EnginePrompts.DefaultLocale, "the default locale has no prompts (every caller whose language has none hears them)");

        var read = new Dictionary<string, IReadOnlyDictionary<string, EnginePrompts.Variant>>(StringComparer.Ordinal);
        foreach (var (name, placeholders) in EnginePrompts.Expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!prompts.TryGetProperty(name, out var variants))
                throw new EnginePromptsException(source, name, null,
                    $"is missing; the engine says it (in {string.Join(", ", locales)}){Uses(placeholders)}");
            var byLocale = new Dictionary<string, EnginePrompts.Variant>(StringComparer.OrdinalIgnoreCase);
            foreach (var locale in locales)
            {
                var variant = variants.EnumerateObject().FirstOrDefault(v => string.Equals(v.Name, locale, StringComparison.OrdinalIgnoreCase));
                if (variant.Value.ValueKind == JsonValueKind.Undefined)
                    throw new EnginePromptsException(source, name, locale, $"is missing: every prompt needs every locale the file has{Uses(placeholders)}");
                byLocale[locale] = ReadVariant(variant.Value, placeholders, source, name, locale);
            }
            read[name] = byLocale;
        }
        return new EnginePrompts(locales, read);
    }

    private static EnginePrompts.Variant ReadVariant(JsonElement variant, IReadOnlySet<string> placeholders, string source, string name, string locale)
    {
        if (variant.ValueKind != JsonValueKind.Object)
            throw new EnginePromptsException(source, name, locale, "needs an object { \"sound\"?, \"text\" }");
        if (!variant.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String
            || textElement.GetString() is not { } text || string.IsNullOrWhiteSpace(text))
            throw new EnginePromptsException(source, name, locale, $"needs a \"text\" (what is said, also when it has a sound){Uses(placeholders)}");
        string? sound = null;
        if (variant.TryGetProperty("sound", out var soundElement))
        {
            if (soundElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(soundElement.GetString()))
                throw new EnginePromptsException(source, name, locale, "\"sound\" must be a path under sounds/ (e.g. en-US/callback_greeting.wav)");
            sound = soundElement.GetString();
        }

        PromptTemplate template;
        try
        {
            template = PromptTemplate.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new EnginePromptsException(source, name, locale, $"text \"{text}\": {ex.Message}", ex);
        }
        if (placeholders.FirstOrDefault(p => !template.Placeholders.Contains(p)) is { } lacked)
            throw new EnginePromptsException(source, name, locale, $"text \"{text}\" lacks {{{lacked}}}{Uses(placeholders)}");
        if (template.Placeholders.FirstOrDefault(p => !placeholders.Contains(p)) is { } unknown)
            throw new EnginePromptsException(source, name, locale, $"text \"{text}\" uses {{{unknown}}}, which the engine does not fill{Uses(placeholders)}");
        if (sound is not null && placeholders.Count > 0)
            throw new EnginePromptsException(source, name, locale, $"has placeholders, so it is spoken by TTS: remove its \"sound\" ({sound})");
        return new EnginePrompts.Variant(sound, template);
    }

    private static string Uses(IReadOnlySet<string> placeholders) => placeholders.Count == 0
        ? " (it has no placeholders)"
        : $" (its placeholders: {string.Join(", ", placeholders.Order(StringComparer.Ordinal).Select(p => "{" + p + "}"))})";
}
