using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;

namespace Ivr.Flows.Linting;

/// <summary>Semantic checks on a schema-valid flow: graph, retries, prompts, variables, calendars.</summary>
public static class FlowLinter
{
    /// <summary>Returns every finding, errors first, each with file, line, column and JSON pointer.</summary>
    public static IReadOnlyList<Diagnostic> Lint(FlowDocument flow, LintOptions options) => throw new NotImplementedException();
}
