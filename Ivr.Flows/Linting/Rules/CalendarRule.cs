using Ivr.Flows.Diagnostics;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

using Ivr.Flows.Json;

namespace Ivr.Flows.Linting.Rules;

/// <summary>
/// IVR305: a calendar condition must name a defined calendar; IVR307: a calendar's time zone must be known to this
/// machine; IVR310: an opening interval must end after it starts.
/// </summary>
internal sealed class CalendarRule : ILintRule
{
    /// <inheritdoc />
    public IEnumerable<Diagnostic> Check(LintContext context)
    {
        var calendars = context.Flow.Calendars ?? new Dictionary<string, Calendar>();
        foreach (var (name, step) in context.Steps)
        {
            if (step is not BranchStep { Conditions: { } cases }) continue;
            foreach (var c in cases.Where(c => c is not null).SelectMany(c => Conditions.Flatten(c.When)).OfType<CalendarCondition>())
            {
                if (c.Calendar is not null && calendars.ContainsKey(c.Calendar)) continue;
                yield return context.Report(DiagnosticCodes.UnknownCalendar, Severity.Error, c.Pointer + "/calendar",
                    $"Step '{name}' tests calendar '{c.Calendar}', which is not defined under 'calendars'.",
                    Suggestions.DidYouMean(c.Calendar ?? string.Empty, calendars.Keys, "define it under 'calendars'."));
            }
        }

        foreach (var (name, calendar) in calendars)
        {
            if (calendar is null) continue;
            var pointer = string.IsNullOrEmpty(calendar.Pointer) ? JsonPointer.Append("/calendars", name) : calendar.Pointer;
            if (calendar.TimeZone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(calendar.TimeZone, out _))
            {
                yield return context.Report(DiagnosticCodes.UnknownTimeZone, Severity.Error, pointer + "/timeZone",
                    $"Calendar '{name}' uses time zone '{calendar.TimeZone}', which this system does not know.",
                    "use an IANA time zone id such as \"Europe/Paris\" or \"America/New_York\".");
            }
            foreach (var h in calendar.Hours ?? [])
            {
                if (h is null || h.End > h.Start) continue;
                yield return context.Report(DiagnosticCodes.InvalidHours, Severity.Error, pointer + "/hours",
                    $"Calendar '{name}' has an interval on {h.Day} from {h.Start:hh\\:mm} to {h.End:hh\\:mm}, which is empty.",
                    "write intervals as HH:MM-HH:MM with the end after the start (24:00 is allowed).");
            }
        }
    }
}
