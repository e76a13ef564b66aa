using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR311: a choice's <c>language</c>, or a literal value set to <c>language</c>, must be one of the flow's languages.</summary>
internal sealed class LanguageRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var supported = context.Languages.ToHashSet(StringComparer.Ordinal);
        var hint = $"use one of {string.Join(", ", supported)}, or add it to \"languages\" (and translate the prompts).";
        foreach (var (name, step) in context.Steps)
        {
            var at = LintContext.PointerOf(name, step);
            if (step is SetStep { Values: { } values }
                && values.TryGetValue(Variables.Language, out var value) && Unsupported(value, supported))
            {
                yield return context.Report(DiagnosticCodes.UnsupportedLanguage, Severity.Error,
                    JsonPointer.Append(at + "/values", Variables.Language),
                    $"Step '{name}' switches to language '{value}', which the flow does not support.", hint);
            }
            if (step is not MenuStep { Choices: { } choices }) continue;
            for (var i = 0; i < choices.Count; i++)
            {
                var choice = choices[i];
                if (choice is null) continue;
                if (choice.Language is not null && Unsupported(choice.Language, supported))
                {
                    yield return context.Report(DiagnosticCodes.UnsupportedLanguage, Severity.Error, choice.Pointer + "/language",
                        $"Choice #{i + 1} of menu '{name}' switches to language '{choice.Language}', which the flow does not support.", hint);
                }
                if (choice.Set is not null && choice.Set.TryGetValue(Variables.Language, out var set) && Unsupported(set, supported))
                {
                    yield return context.Report(DiagnosticCodes.UnsupportedLanguage, Severity.Error,
                        JsonPointer.Append(choice.Pointer + "/set", Variables.Language),
                        $"Choice #{i + 1} of menu '{name}' sets language '{set}', which the flow does not support.", hint);
                }
            }
        }
    }

    // A template such as "{preferred}" is only known at run time.
    private static bool Unsupported(string? value, IReadOnlySet<string> supported) =>
        value is not null && !value.Contains('{', StringComparison.Ordinal) && !supported.Contains(value);
}
