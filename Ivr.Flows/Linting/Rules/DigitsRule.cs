using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>IVR211: a digits step's <c>min</c>..<c>max</c> must be a real range; IVR212: its terminator must not be a digit the caller types.</summary>
internal sealed class DigitsRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        foreach (var (name, step) in context.Steps)
        {
            if (step is not DigitsStep digits) continue;
            var pointer = LintContext.PointerOf(name, step);
            if (digits.Min > digits.Max)
            {
                yield return context.Report(DiagnosticCodes.InvalidDigitsRange, Severity.Error, pointer + "/min",
                    $"Step '{name}' asks for at least {digits.Min} digits but at most {digits.Max}: no input can satisfy it.",
                    "make min less than or equal to max.");
            }
            else if (digits.Max < 1)
            {
                yield return context.Report(DiagnosticCodes.InvalidDigitsRange, Severity.Error, pointer + "/max",
                    $"Step '{name}' accepts at most {digits.Max} digits: no input can satisfy it.",
                    "make max at least 1.");
            }
            var terminator = digits.Terminator ?? string.Empty;
            if (terminator.Length == 1 && char.IsAsciiDigit(terminator[0]))
            {
                yield return context.Report(DiagnosticCodes.TerminatorIsChoiceKey, Severity.Error, pointer + "/terminator",
                    $"Step '{name}' ends input on '{terminator}', so callers can never type that digit.",
                    "use \"#\" or \"*\", or \"\" for no terminator.");
            }
        }
    }
}
