using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR206 and IVR210: within one menu a DTMF key, or a phrase in one locale (ignoring case), may select only one choice;
/// IVR213: every choice must be selectable (a key, or a phrase when speech is on).
/// </summary>
internal sealed class MenuChoiceRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not MenuStep menu || menu.Choices is null) continue;
            var choices = menu.Choices.Where(c => c is not null).ToList();
            foreach (var d in DuplicateKeys(context, name, choices)) yield return d;
            foreach (var d in DuplicatePhrases(context, name, choices)) yield return d;
            foreach (var d in Unselectable(context, name, menu, choices)) yield return d;
        }
    }

    private static IEnumerable<Diagnostic> DuplicateKeys(LintContext context, string menu, List<MenuChoice> choices)
    {
        var firstChoice = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < choices.Count; i++)
        {
            var keys = choices[i].Keys ?? [];
            for (var k = 0; k < keys.Count; k++)
            {
                var key = keys[k];
                if (key is null) continue;
                if (firstChoice.TryAdd(key, i)) continue;
                yield return context.Report(DiagnosticCodes.DuplicateDtmfKey, Severity.Error,
                    JsonPointer.Append(choices[i].Pointer + "/keys", k),
                    $"Key '{key}' of menu '{menu}' already selects choice #{firstChoice[key] + 1} ('{choices[firstChoice[key]].Next}').",
                    "give each choice its own keys.");
            }
        }
    }

    private static IEnumerable<Diagnostic> DuplicatePhrases(LintContext context, string menu, List<MenuChoice> choices)
    {
        var locales = context.Languages
            .Concat(choices.SelectMany(c => c.Phrases?.Keys ?? []).Where(l => l is not null && l != "*"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (locales.Count == 0) locales.Add("*");
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var locale in locales)
        {
            var first = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < choices.Count; i++)
            {
                foreach (var (phrase, pointer, own) in PhrasesOf(choices[i], locale))
                {
                    var normal = Normalize(phrase);
                    if (normal.Length == 0 || first.TryAdd(normal, i) || !reported.Add(pointer)) continue;
                    var where = own ? $" ({locale})" : string.Empty;
                    yield return context.Report(DiagnosticCodes.DuplicatePhrase, Severity.Error, pointer,
                        $"Phrase '{phrase}'{where} of menu '{menu}' already selects choice #{first[normal] + 1} ('{choices[first[normal]].Next}').",
                        "give each choice its own phrases; recognition cannot tell them apart.");
                }
            }
        }
    }

    private static IEnumerable<Diagnostic> Unselectable(LintContext context, string menu, MenuStep step, List<MenuChoice> choices)
    {
        for (var i = 0; i < choices.Count; i++)
        {
            var hasKeys = choices[i].Keys?.Any(k => !string.IsNullOrEmpty(k)) == true;
            var hasPhrases = choices[i].Phrases?.Values.Any(p => p?.Any(s => !string.IsNullOrWhiteSpace(s)) == true) == true;
            if (hasKeys || (hasPhrases && step.Speech)) continue;
            var why = hasPhrases ? "it has only phrases and the menu's speech is off" : "it has neither keys nor phrases";
            yield return context.Report(DiagnosticCodes.ChoiceNeverSelectable, Severity.Error, choices[i].Pointer,
                $"Choice #{i + 1} of menu '{menu}' can never be selected: {why}.",
                hasPhrases ? "add keys to the choice, or set \"speech\": true." : "add \"keys\" or \"phrases\".");
        }
    }

    private static IEnumerable<(string Phrase, string Pointer, bool OwnLocale)> PhrasesOf(MenuChoice choice, string locale)
    {
        if (choice.Phrases is null) yield break;
        foreach (var key in locale == "*" ? ["*"] : new[] { "*", locale })
        {
            if (!choice.Phrases.TryGetValue(key, out var list) || list is null) continue;
            var basePointer = key == "*" ? choice.Pointer + "/phrases" : JsonPointer.Append(choice.Pointer + "/phrases", key);
            for (var j = 0; j < list.Count; j++)
                if (list[j] is not null) yield return (list[j], JsonPointer.Append(basePointer, j), key != "*");
        }
    }

    private static string Normalize(string phrase) =>
        string.Join(' ', phrase.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
