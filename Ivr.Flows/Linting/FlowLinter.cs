using Ivr.Flows.Diagnostics;
using Ivr.Flows.Linting.Rules;
using Ivr.Flows.Model;

namespace Ivr.Flows.Linting;

/// <summary>Semantic checks on a schema-valid flow: graph, retries, prompts, variables, calendars.</summary>
public static class FlowLinter
{
    private static readonly IReadOnlyList<ILintRule> Rules =
    [
        new StartRule(),
        new TargetRule(),
        new ReachabilityRule(),
        new TrapRule(),
        new BusyLoopRule(),
        new RetryRule(),
        new MenuChoiceRule(),
        new OfferKeysRule(),
        new DigitsRule(),
        new SubflowRule(),
        new PromptRule(),
        new SoundFileRule(),
        new VariableRule(),
        new LanguageRule(),
        new CalendarRule(),
        new RegexRule(),
        new MessageErrorRule(),
        new HttpFillerRule(),
        new PreferLastAgentRule(),
        new ForAgentRule(),
    ];

    /// <summary>Returns every finding, errors first, each with file, line, column and JSON pointer.</summary>
    public static IReadOnlyList<Diagnostic> Lint(FlowDocument flow, LintOptions options)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(options);
        var context = new LintContext(flow, options);
        var found = new List<Diagnostic>();
        foreach (var rule in Rules) found.AddRange(Run(rule, context));
        return found
            .OrderByDescending(d => d.Severity)
            .ThenBy(d => d.Line)
            .ThenBy(d => d.Column)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
    }

    // A flow built in code can hold nulls the schema would refuse; one rule tripping over them must not hide the others.
    private static List<Diagnostic> Run(ILintRule rule, LintContext context)
    {
        try
        {
            return rule.Check(context).ToList();
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            return
            [
                context.Report(DiagnosticCodes.LintRuleFailed, Severity.Error, string.Empty,
                    $"The {rule.GetType().Name} check could not run on this flow ({e.GetType().Name}: {e.Message}).",
                    "the flow is malformed in a way the schema should have refused; please report it."),
            ];
        }
    }
}
