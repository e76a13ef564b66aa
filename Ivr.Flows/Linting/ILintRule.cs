using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Linting;

/// <summary>One semantic check on a flow; rules are independent and registered in <see cref="FlowLinter"/>.</summary>
internal interface ILintRule
{
    /// <summary>Every finding of this rule on the flow in <paramref name="context"/>.</summary>
    IEnumerable<Diagnostic> Check(LintContext context);
}
