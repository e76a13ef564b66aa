using System.Text.RegularExpressions;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR306: a digits <c>pattern</c> and the value of a <c>matches</c> condition must be valid .NET regular expressions.</summary>
internal sealed class RegexRule : ILintRule
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            var at = LintContext.PointerOf(name, step);
            if (step is DigitsStep { Pattern: { } pattern } && Error(pattern) is { } error)
            {
                yield return Invalid(context, at + "/pattern", $"Step '{name}' has pattern '{pattern}'", error);
            }
            if (step is not BranchStep { Conditions: { } cases }) continue;
            foreach (var c in cases.Where(c => c is not null).SelectMany(c => Conditions.Flatten(c.When)).OfType<VarCondition>())
            {
                if (c.Op != ConditionOp.Matches || c.Values is null) continue;
                for (var i = 0; i < c.Values.Count; i++)
                {
                    if (c.Values[i] is not { } value || Error(value) is not { } e) continue;
                    var pointer = c.Values.Count == 1 ? c.Pointer + "/value" : JsonPointer.Append(c.Pointer + "/value", i);
                    yield return Invalid(context, pointer, $"Step '{name}' matches '{c.Var}' against '{value}'", e);
                }
            }
        }
    }

    private static Diagnostic Invalid(LintContext context, string pointer, string what, string error) =>
        context.Report(DiagnosticCodes.InvalidRegex, Severity.Error, pointer,
            $"{what}, which is not a valid regular expression: {error}",
            "fix the expression (.NET syntax), e.g. ^[0-9]{8}$; escape literal characters such as * with a backslash.");

    private static string? Error(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, MatchTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
