namespace Ivr.Flows.Model;

/// <summary>Business hours in a time zone: weekly open intervals and closed dates.</summary>
public sealed record Calendar(
    string Name,
    string TimeZone,
    IReadOnlyList<OpenInterval> Hours,
    IReadOnlyList<DateOnly> Closed,
    string Pointer)
{
    /// <summary>Whether the calendar is open at the given instant (evaluated in its own time zone).</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(instant, tz);
        if (Closed.Contains(DateOnly.FromDateTime(local.DateTime))) return false;
        var time = local.TimeOfDay;
        foreach (var h in Hours)
        {
            if (h.Day == local.DayOfWeek && time >= h.Start && time < h.End) return true;
        }
        return false;
    }
}

/// <summary>An open interval on one day of the week; <see cref="End"/> is exclusive and may be 24:00.</summary>
public sealed record OpenInterval(DayOfWeek Day, TimeSpan Start, TimeSpan End);
