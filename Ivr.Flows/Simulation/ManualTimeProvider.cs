namespace Ivr.Flows.Simulation;

/// <summary>A clock that stands still at a chosen instant until told to move; the simulator advances it when it fires a timer.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly TimeZoneInfo _zone;
    private DateTimeOffset _now;

    /// <summary>A clock reading <paramref name="start"/>; <paramref name="localTimeZone"/> defaults to UTC.</summary>
    public ManualTimeProvider(DateTimeOffset start, TimeZoneInfo? localTimeZone = null)
    {
        _now = start;
        _zone = localTimeZone ?? TimeZoneInfo.Utc;
    }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _zone;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now.ToUniversalTime();
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/> (negative values are refused).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_lock) _now += delta;
    }
}
