using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR304: every variable a flow reads (conditions, <c>{var}</c> in texts, set values, transfer URIs, http paths and bodies)
/// must be declared, collected by a digits step, set somewhere (a set, a choice's set, an http step's map) or built in; a
/// variable a flow writes should be declared.
/// IVR308: built-ins other than <c>language</c> are read-only.
/// </summary>
internal sealed class VariableRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var declared = Declared(context);
        var writes = Writes(context).ToList();
        var known = Known(declared, writes.Select(w => w.Name));

        foreach (var (name, pointer, owner, isDigits) in writes)
        {
            if (Variables.IsReadOnly(name))
            {
                yield return context.Report(DiagnosticCodes.ReadOnlyVariable, Severity.Error, pointer,
                    $"{owner} writes '{name}', a read-only built-in variable.",
                    "store the value in a variable of your own, declared under 'variables'.");
            }
            else if (!isDigits && !declared.Contains(name) && !Variables.BuiltIn.Contains(name))
            {
                yield return context.Report(DiagnosticCodes.UnknownVariable, Severity.Warning, pointer,
                    $"{owner} sets '{name}', which is not declared under 'variables'.",
                    Suggestions.DidYouMean(name, declared.Concat(Variables.BuiltIn), $"declare it: \"variables\": {{ \"{name}\": \"\" }}."));
            }
        }

        foreach (var (name, pointer, owner) in Reads(context))
        {
            if (known.Contains(name)) continue;
            yield return context.Report(DiagnosticCodes.UnknownVariable, Severity.Error, pointer,
                $"{owner} uses variable '{name}', which is never declared, collected or set.",
                Suggestions.DidYouMean(name, known, $"declare it: \"variables\": {{ \"{name}\": \"\" }}."));
        }
    }

    /// <summary>The variables a flow may read: declared, collected by a digits step, set somewhere, or built in.</summary>
    internal static HashSet<string> Known(LintContext context) => Known(Declared(context), Writes(context).Select(w => w.Name));

    private static HashSet<string> Known(HashSet<string> declared, IEnumerable<string> written)
    {
        var known = new HashSet<string>(declared, StringComparer.Ordinal);
        known.UnionWith(Variables.BuiltIn);
        known.UnionWith(written);
        return known;
    }

    private static HashSet<string> Declared(LintContext context)
    {
        var declared = new HashSet<string>(context.Flow.Variables?.Keys ?? [], StringComparer.Ordinal);
        foreach (var (_, step) in context.Steps)
            if (step is DigitsStep { Variable: { } v }) declared.Add(v);
        return declared;
    }

    private static IEnumerable<(string Name, string Pointer, string Owner, bool IsDigits)> Writes(LintContext context)
    {
        foreach (var (stepName, step) in context.Steps)
        {
            var at = LintContext.PointerOf(stepName, step);
            switch (step)
            {
                case DigitsStep { Variable: { } v }:
                    yield return (v, at + "/variable", $"Step '{stepName}'", true);
                    break;
                case SetStep { Values: { } values }:
                    foreach (var key in values.Keys)
                        yield return (key, JsonPointer.Append(at + "/values", key), $"Step '{stepName}'", false);
                    break;
                case HttpStep { Map: { } map }:
                    foreach (var key in map.Keys)
                        yield return (key, JsonPointer.Append(at + "/map", key), $"Step '{stepName}'", false);
                    break;
                case SurveyStep { Questions: { } questions }:
                    // Written by the step itself, like a digits step's variable: no declaration needed.
                    for (var i = 0; i < questions.Count; i++)
                        yield return (SurveyStep.VariableOf(i), at + "/questions/" + i, $"Step '{stepName}'", true);
                    break;
                case MenuStep { Choices: { } choices }:
                    for (var i = 0; i < choices.Count; i++)
                    {
                        if (choices[i]?.Set is not { } set) continue;
                        foreach (var key in set.Keys)
                            yield return (key, JsonPointer.Append(choices[i].Pointer + "/set", key), $"Choice #{i + 1} of menu '{stepName}'", false);
                    }
                    break;
            }
        }
    }

    private static IEnumerable<(string Name, string Pointer, string Owner)> Reads(LintContext context)
    {
        foreach (var (stepName, step) in context.Steps)
        {
            var at = LintContext.PointerOf(stepName, step);
            var owner = $"Step '{stepName}'";
            switch (step)
            {
                case BranchStep { Conditions: { } cases }:
                    foreach (var c in cases.Where(c => c is not null).SelectMany(c => Conditions.Flatten(c.When)).OfType<VarCondition>())
                        if (c.Var is not null) yield return (c.Var, c.Pointer + "/var", owner);
                    break;
                case SetStep { Values: { } values }:
                    foreach (var (key, value) in values)
                        foreach (var v in Variables.Interpolated(value)) yield return (v, JsonPointer.Append(at + "/values", key), owner);
                    break;
                case TransferStep transfer:
                    foreach (var v in Variables.Interpolated(transfer.To)) yield return (v, at + "/to", owner);
                    break;
                case HttpStep http:
                    foreach (var v in Variables.Interpolated(http.Path)) yield return (v, at + "/path", owner);
                    foreach (var (key, value) in http.Body ?? new Dictionary<string, string>())
                        foreach (var v in Variables.Interpolated(value)) yield return (v, JsonPointer.Append(at + "/body", key), owner);
                    break;
                case MenuStep { Choices: { } choices }:
                    for (var i = 0; i < choices.Count; i++)
                    {
                        if (choices[i]?.Set is not { } set) continue;
                        foreach (var (key, value) in set)
                            foreach (var v in Variables.Interpolated(value))
                                yield return (v, JsonPointer.Append(choices[i].Pointer + "/set", key), $"Choice #{i + 1} of menu '{stepName}'");
                    }
                    break;
            }
        }
        foreach (var (step, item, pointer) in context.PromptItems())
            foreach (var v in Variables.Interpolated(item.Text))
                yield return (v, SoundFileRule.WithSuffix(pointer, "/text"), $"Step '{step.Name}'");
        foreach (var (name, prompt) in context.Flow.Prompts ?? new Dictionary<string, PromptDefinition>())
        {
            if (prompt?.Locales is null) continue;
            foreach (var (locale, variant) in prompt.Locales)
                foreach (var v in Variables.Interpolated(variant?.Text))
                    yield return (v, variant!.Pointer + "/text", $"Prompt '{name}' ({locale})");
        }
    }
}
