using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR316 (warning): a <c>queue</c> step's <c>forAgent</c> names a variable that is never declared, collected or set: the
/// agent would never see it (it is left out of the agent's context, not sent empty).
/// </summary>
internal sealed class ForAgentRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        HashSet<string>? known = null;
        foreach (var (name, step) in context.Steps)
        {
            if (step is not QueueStep { ForAgent.Count: > 0 } queue) continue;
            known ??= VariableRule.Known(context);
            for (var i = 0; i < queue.ForAgent.Count; i++)
            {
                var variable = queue.ForAgent[i];
                if (known.Contains(variable)) continue;
                var pointer = LintContext.PointerOf(name, step) + "/forAgent/" + i.ToString(CultureInfo.InvariantCulture);
                yield return context.Report(DiagnosticCodes.ForAgentUnknownVariable, Severity.Warning, pointer,
                    $"Step '{name}' shows variable '{variable}' to the agent, but it is never declared, collected or set: the agent will not see it.",
                    Suggestions.DidYouMean(variable, known, $"declare it: \"variables\": {{ \"{variable}\": \"\" }}, or set it before the queue step."));
            }
        }
    }
}
