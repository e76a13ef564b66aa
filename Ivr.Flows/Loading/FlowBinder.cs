using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Model;
using Calendar = Ivr.Flows.Model.Calendar;
using Ivr.Flows.Model.Steps;
using static Ivr.Flows.Loading.BindContext;

namespace Ivr.Flows.Loading;

/// <summary>Turns a schema-valid positioned tree into a <see cref="FlowDocument"/>; reports what the schema cannot (IVR310).</summary>
internal static class FlowBinder
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>Binds the document; the diagnostics are the binder's own (e.g. invalid hours).</summary>
    public static (FlowDocument Document, IReadOnlyList<Diagnostic> Diagnostics) Bind(PositionedNode root, string file)
    {
        var cx = new BindContext(file);
        var language = Str(root, "language", "en-US");
        var languages = root["languages"]?.Items.Select(l => l.String!).ToList() ?? [];
        if (!languages.Contains(language, StringComparer.Ordinal)) languages.Insert(0, language);

        var calendars = new Dictionary<string, Calendar>(StringComparer.Ordinal);
        foreach (var c in root["calendars"]?.Properties ?? []) calendars[c.Name] = BindCalendar(cx, c.Name, c.Value);

        var prompts = new Dictionary<string, PromptDefinition>(StringComparer.Ordinal);
        foreach (var p in root["prompts"]?.Properties ?? [])
        {
            var locales = p.Value.Properties.ToDictionary(
                l => l.Name,
                l => new PromptVariant(OptString(l.Value, "sound"), OptString(l.Value, "text"), l.Value.Pointer),
                StringComparer.Ordinal);
            prompts[p.Name] = new PromptDefinition(p.Name, locales, p.Value.Pointer);
        }

        var steps = new Dictionary<string, Step>(StringComparer.Ordinal);
        foreach (var s in root["steps"]?.Properties ?? [])
        {
            var kind = Str(s.Value, "type");
            if (!StepBinders.ByKind.TryGetValue(kind, out var bind))
            {
                cx.Error(DiagnosticCodes.UnknownStepType, s.Value, $"unknown step type '{kind}'");
                continue;
            }
            steps[s.Name] = bind(cx, new StepHeader(s.Name, s.Value.Pointer, OptString(s.Value, "description")), s.Value);
        }

        var document = new FlowDocument
        {
            Id = Str(root, "id"),
            Version = Str(root, "version"),
            Description = OptString(root, "description"),
            Language = language,
            Languages = languages,
            Start = Str(root, "start"),
            Variables = StringMap(root["variables"]),
            Calendars = calendars,
            Prompts = prompts,
            Steps = steps,
            Source = new SourceInfo(file, Positions(root)),
        };
        return (document, cx.Diagnostics);
    }

    /// <summary>JSON pointer → (line, column) for every value of the tree.</summary>
    public static IReadOnlyDictionary<string, (int Line, int Column)> Positions(PositionedNode root)
    {
        var map = new Dictionary<string, (int Line, int Column)>(StringComparer.Ordinal);
        var stack = new Stack<PositionedNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            map[n.Pointer] = (n.Line, n.Column);
            foreach (var p in n.Properties) stack.Push(p.Value);
            foreach (var i in n.Items) stack.Push(i);
        }
        return map;
    }

    private static Calendar BindCalendar(BindContext cx, string name, PositionedNode o)
    {
        var hours = new List<OpenInterval>();
        foreach (var day in o["hours"]?.Properties ?? [])
        {
            var days = Days(day.Name);
            if (days is null)
            {
                cx.Diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidHours, Severity.Error, cx.File, day.Line, day.Column, day.Value.Pointer,
                    $"'{day.Name}' is not a day or a day range", "use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri"));
                continue;
            }
            foreach (var interval in day.Value.Items)
            {
                if (Interval(cx, interval) is not { } span) continue;
                foreach (var d in days) hours.Add(new OpenInterval(d, span.Start, span.End));
            }
        }
        var closed = new List<DateOnly>();
        foreach (var date in o["closed"]?.Items ?? [])
        {
            if (DateOnly.TryParseExact(date.String, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) closed.Add(d);
            else cx.Error(DiagnosticCodes.InvalidHours, date, $"'{date.String}' is not a valid date", "write dates as YYYY-MM-DD, e.g. 2026-12-25");
        }
        return new Calendar(name, Str(o, "timeZone"), hours, closed, o.Pointer);
    }

    /// <summary>The days of a key such as <c>sat</c> or <c>mon-fri</c>; a range may wrap around (<c>fri-mon</c>).</summary>
    internal static IReadOnlyList<DayOfWeek>? Days(string key)
    {
        var parts = key.Split('-');
        if (parts.Length is < 1 or > 2) return null;
        var first = Array.IndexOf(DayNames, parts[0]);
        var last = parts.Length == 2 ? Array.IndexOf(DayNames, parts[1]) : first;
        if (first < 0 || last < 0) return null;
        var days = new List<DayOfWeek> { (DayOfWeek)first };
        for (var d = first; d != last;)
        {
            d = (d + 1) % 7;
            days.Add((DayOfWeek)d);
        }
        return days;
    }

    /// <summary>Parses <c>HH:MM-HH:MM</c> (end exclusive, <c>24:00</c> allowed); reports IVR310 when it is not a forward interval within a day.</summary>
    private static (TimeSpan Start, TimeSpan End)? Interval(BindContext cx, PositionedNode node)
    {
        var text = node.String ?? string.Empty;
        var parts = text.Split('-');
        if (parts.Length != 2 || Time(parts[0]) is not { } start || Time(parts[1]) is not { } end)
        {
            cx.Error(DiagnosticCodes.InvalidHours, node, $"'{text}' is not a valid interval", "write HH:MM-HH:MM with hours 00-23 (24:00 only as an end) and minutes 00-59");
            return null;
        }
        if (start >= TimeSpan.FromHours(24))
        {
            cx.Error(DiagnosticCodes.InvalidHours, node, $"'{text}' starts at 24:00", "24:00 may only end an interval");
            return null;
        }
        if (end <= start)
        {
            cx.Error(DiagnosticCodes.InvalidHours, node, $"'{text}' ends before it starts",
                $"an interval ends on the day it starts: split it into {parts[0]}-24:00 and 00:00-{parts[1]} on the next day");
            return null;
        }
        return (start, end);
    }

    private static TimeSpan? Time(string text)
    {
        if (text.Length != 5 || text[2] != ':') return null;
        if (!int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var h)) return null;
        if (!int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return null;
        if (m > 59 || h > 24 || (h == 24 && m != 0)) return null;
        return new TimeSpan(h, m, 0);
    }
}
