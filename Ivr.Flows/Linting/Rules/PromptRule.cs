using Ivr.Flows.Diagnostics;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR301: a prompt reference must name a defined prompt; IVR303: a defined prompt needs every locale of the flow, each
/// with a sound or a text; IVR309: a defined prompt that nothing plays is probably a leftover.
/// </summary>
internal sealed class PromptRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var prompts = context.Flow.Prompts ?? new Dictionary<string, Model.PromptDefinition>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (step, item, pointer) in context.PromptItems())
        {
            if (item.Name is null) continue;
            used.Add(item.Name);
            if (prompts.ContainsKey(item.Name)) continue;
            yield return context.Report(DiagnosticCodes.UnknownPrompt, Severity.Error, pointer,
                $"Step '{step.Name}' plays prompt '{item.Name}', which is not defined under 'prompts'.",
                Suggestions.DidYouMean(item.Name, prompts.Keys, "define it under 'prompts', or use an inline { \"text\": … }."));
        }

        foreach (var (name, prompt) in prompts)
        {
            if (prompt is null) continue;
            var pointer = string.IsNullOrEmpty(prompt.Pointer) ? JsonPointer.Append("/prompts", name) : prompt.Pointer;
            var locales = prompt.Locales ?? new Dictionary<string, Model.PromptVariant>();
            var missing = context.Languages.Where(l => !locales.ContainsKey(l)).ToList();
            if (missing.Count > 0)
            {
                yield return context.Report(DiagnosticCodes.PromptMissingLocale, Severity.Warning, pointer,
                    $"Prompt '{name}' has no {string.Join(", ", missing)} version; callers in that language will hear nothing.",
                    $"add \"{missing[0]}\": {{ \"sound\": …, \"text\": … }} to the prompt.");
            }
            foreach (var (locale, variant) in locales)
            {
                if (variant is null || !string.IsNullOrWhiteSpace(variant.Sound) || !string.IsNullOrWhiteSpace(variant.Text)) continue;
                var at = string.IsNullOrEmpty(variant.Pointer) ? JsonPointer.Append(pointer, locale) : variant.Pointer;
                yield return context.Report(DiagnosticCodes.PromptMissingLocale, Severity.Error, at,
                    $"Prompt '{name}' ({locale}) has neither a sound nor a text.",
                    "give it a \"sound\" file, a \"text\" to speak, or both.");
            }
            if (!used.Contains(name))
            {
                yield return context.Report(DiagnosticCodes.UnusedPrompt, Severity.Warning, pointer,
                    $"Prompt '{name}' is defined but no step plays it.",
                    "delete it, or play it from a step.");
            }
        }
    }
}
