using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR205: retries must end and be sensible. <c>maxRetries</c> should be 1..10 on menu, digits and callback steps (0 gives
/// no second chance, a negative count no limit), and a menu or digits step's
/// <c>onExhausted</c> must not lead straight back to the same step (directly or through <c>goto</c> steps), which would
/// restart the count forever.
/// </summary>
internal sealed class RetryRule : ILintRule
{
    /// <summary>More attempts than this wear callers out; it is almost always a typo.</summary>
    public const int MaxSensibleRetries = 10;

    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var steps = context.Steps.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        foreach (var (name, step) in context.Steps)
        {
            int? retries = step switch
            {
                MenuStep m => m.MaxRetries,
                DigitsStep d => d.MaxRetries,
                CallbackStep cb => cb.MaxRetries,
                _ => null,
            };
            var pointer = LintContext.PointerOf(name, step);
            if (retries < 0)
            {
                yield return context.Report(DiagnosticCodes.RetriesWithoutLimit, Severity.Error, pointer + "/maxRetries",
                    $"Step '{name}' has maxRetries {retries}, which sets no limit on attempts.",
                    "use a small positive number such as 3 (the default).");
            }
            else if (retries == 0)
            {
                yield return context.Report(DiagnosticCodes.RetriesWithoutLimit, Severity.Warning, pointer + "/maxRetries",
                    $"Step '{name}' has maxRetries 0: the first no-input or no-match gives up, with no second chance.",
                    "allow at least one retry (3 is the default); callers often miss the first prompt.");
            }
            else if (retries > MaxSensibleRetries)
            {
                yield return context.Report(DiagnosticCodes.RetriesWithoutLimit, Severity.Warning, pointer + "/maxRetries",
                    $"Step '{name}' allows {retries} attempts; callers give up long before that.",
                    string.Create(CultureInfo.InvariantCulture, $"use at most {MaxSensibleRetries} (3 is the default)."));
            }

            var onExhausted = step switch
            {
                MenuStep m => m.OnExhausted,
                DigitsStep d => d.OnExhausted,
                _ => null,
            };
            if (onExhausted is not null && LeadsBackTo(name, onExhausted, steps))
            {
                yield return context.Report(DiagnosticCodes.RetriesWithoutLimit, Severity.Error, pointer + "/onExhausted",
                    $"Retries never end: when step '{name}' runs out of attempts, onExhausted leads straight back to it and the count starts over.",
                    "send onExhausted to an agent queue, a transfer or a goodbye (hangup) instead.");
            }
        }
    }

    private static bool LeadsBackTo(string origin, string target, IReadOnlyDictionary<string, Step> steps)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = target;
        while (seen.Add(current))
        {
            if (current == origin) return true;
            if (!steps.TryGetValue(current, out var step) || step is not GotoStep g || g.Target is null) return false;
            current = g.Target;
        }
        return false;
    }
}
