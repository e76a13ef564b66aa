namespace Ivr.Tests.Ops;

/// <summary>
/// The system clock moved to a moment the hotline's office is open (<see cref="Calls.CallTestFlows.OfficeOpen"/>, a Monday
/// morning): time flows, timers and timestamps are the system's, but calendars read "open" whenever the test runs —
/// the hotline sends callers to its after-hours branch on weekday evenings, which a test driving its menu must not depend on.
/// </summary>
internal sealed class OfficeHoursClock : TimeProvider
{
    private readonly long _origin = System.GetTimestamp();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Calls.CallTestFlows.OfficeOpen + System.GetElapsedTime(_origin);
}
