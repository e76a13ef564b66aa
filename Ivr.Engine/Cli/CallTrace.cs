using System.Globalization;
using Ivr.Engine.Calls;
using Ivr.Engine.Ops;

namespace Ivr.Engine.Cli;

/// <summary>
/// Turns the engine's timeline of a call (<see cref="CallTimelineView"/>) into one line per event, each printed once
/// however often the timeline is read: steps entered, prompts, keys and speech heard, branches taken, queue, transfer
/// and the outcome, with times relative to a given instant (the caller's: <c>dial</c> passes the moment its media
/// started, so the engine's events and its own lines share one clock).
/// </summary>
public sealed class CallTrace
{
    private int _printed;

    /// <summary>Lines for the events of <paramref name="view"/> not printed yet, timed from <paramref name="zero"/>.</summary>
    public IReadOnlyList<string> NewLines(CallTimelineView view, DateTimeOffset zero)
    {
        ArgumentNullException.ThrowIfNull(view);
        var lines = new List<string>();
        for (; _printed < view.Timeline.Count; _printed++) lines.Add(Line(view.Timeline[_printed], zero, view.Call.Flow));
        return lines;
    }

    /// <summary>One event as <c>[  4.1s] ivr took    menu: 1 → check</c>.</summary>
    public static string Line(TimelineEntry entry, DateTimeOffset zero, string topFlow)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var at = (entry.At - zero).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(5);
        var kind = entry.Kind switch
        {
            "edge" => "took",
            var k => k,
        };
        var where = entry.Step is null ? string.Empty
            : entry.Flow is null || entry.Flow == topFlow ? entry.Step
            : entry.Flow + "/" + entry.Step;
        var text = entry.Kind switch
        {
            "step" => $"{where} ({entry.Detail})",
            _ when where.Length == 0 => entry.Detail,
            _ => $"{where}: {entry.Detail}",
        };
        // What the engine recorded can carry what a caller or peer sent: printed to a terminal, control characters are escaped.
        return $"[{at}s] ivr {kind,-8}{LogText.Escape(text)}";
    }
}
