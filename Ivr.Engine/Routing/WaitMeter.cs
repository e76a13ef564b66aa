namespace Ivr.Engine.Routing;

/// <summary>
/// Per-skill measurements over a sliding time window: arrivals, answered, abandoned, handle time, service level, ASA,
/// abandonment rate and estimated patience. Events carry their own timestamps; each is O(1) amortised (time-ordered
/// queues pruned from the front, running sums).
/// </summary>
/// <remarks>
/// Events must be fed in non-decreasing time order (late ones are clamped to the newest time seen). An event counts in
/// the window by the time it is reported: a caller answered at 10:05 after a 4-minute wait counts at 10:05.
/// </remarks>
public sealed class WaitMeter
{
    private readonly Window _arrivals = new();
    private readonly Window _answered = new();
    private readonly Window _answeredWithinTarget = new();
    private readonly Window _abandoned = new();
    private readonly Window _abandonedAfterTarget = new();
    private readonly Window _handled = new();
    private readonly Window _callbacks = new();
    private DateTimeOffset? _firstEvent;
    private DateTimeOffset _latest = DateTimeOffset.MinValue;

    /// <summary>Creates a meter over <paramref name="window"/> (default 15 minutes) with service-level threshold T (default 20 s).</summary>
    public WaitMeter(TimeSpan? window = null, TimeSpan? serviceLevelThreshold = null)
    {
        WindowLength = window ?? TimeSpan.FromMinutes(15);
        ServiceLevelThreshold = serviceLevelThreshold ?? TimeSpan.FromSeconds(20);
        if (WindowLength <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window));
        if (ServiceLevelThreshold < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(serviceLevelThreshold));
    }

    /// <summary>Length of the sliding window.</summary>
    public TimeSpan WindowLength { get; }

    /// <summary>Service-level threshold T.</summary>
    public TimeSpan ServiceLevelThreshold { get; }

    /// <summary>A caller entered the queue.</summary>
    public void Arrived(DateTimeOffset at) => _arrivals.Add(Stamp(at), 0);

    /// <summary>A caller was answered after waiting <paramref name="wait"/>.</summary>
    public void Answered(DateTimeOffset at, TimeSpan wait)
    {
        var t = Stamp(at);
        var minutes = Minutes(wait);
        _answered.Add(t, minutes);
        if (wait <= ServiceLevelThreshold) _answeredWithinTarget.Add(t, minutes);
    }

    /// <summary>A caller hung up while waiting, after <paramref name="wait"/>.</summary>
    public void Abandoned(DateTimeOffset at, TimeSpan wait)
    {
        var t = Stamp(at);
        var minutes = Minutes(wait);
        _abandoned.Add(t, minutes);
        if (wait > ServiceLevelThreshold) _abandonedAfterTarget.Add(t, minutes);
    }

    /// <summary>An agent finished a call that took <paramref name="handleTime"/> (talk plus wrap-up).</summary>
    public void Handled(DateTimeOffset at, TimeSpan handleTime) => _handled.Add(Stamp(at), Minutes(handleTime));

    /// <summary>A caller booked a callback instead of waiting.</summary>
    public void CallbackBooked(DateTimeOffset at) => _callbacks.Add(Stamp(at), 0);

    /// <summary>Figures for the window ending at <paramref name="now"/>.</summary>
    public WaitMeterSnapshot Snapshot(DateTimeOffset now)
    {
        var since = now - WindowLength;
        _arrivals.Prune(since);
        _answered.Prune(since);
        _answeredWithinTarget.Prune(since);
        _abandoned.Prune(since);
        _abandonedAfterTarget.Prune(since);
        _handled.Prune(since);
        _callbacks.Prune(since);

        // Until a whole window has passed, rates are over the time actually observed.
        var observed = _firstEvent is { } first && now - first < WindowLength ? now - first : WindowLength;
        var observedMinutes = Math.Max(Minutes(observed), 1e-9);
        var answered = _answered.Count;
        var abandoned = _abandoned.Count;
        var closed = answered + abandoned;
        var serviceLevelBase = answered + _abandonedAfterTarget.Count;
        var queueMinutes = _answered.Sum + _abandoned.Sum;

        return new WaitMeterSnapshot(
            Arrivals: _arrivals.Count,
            Answered: answered,
            Abandoned: abandoned,
            CallbacksBooked: _callbacks.Count,
            ArrivalRate: _arrivals.Count / observedMinutes,
            AbandonmentRate: closed > 0 ? (double)abandoned / closed : 0,
            MeanHandleTime: _handled.Count > 0 ? TimeSpan.FromMinutes(_handled.Sum / _handled.Count) : null,
            ServiceLevel: serviceLevelBase > 0 ? (double)_answeredWithinTarget.Count / serviceLevelBase : null,
            AverageSpeedOfAnswer: answered > 0 ? TimeSpan.FromMinutes(_answered.Sum / answered) : null,
            PatienceRate: queueMinutes > 0 ? abandoned / queueMinutes : null);
    }

    private DateTimeOffset Stamp(DateTimeOffset at)
    {
        _firstEvent ??= at;
        if (at > _latest) _latest = at;
        return _latest;
    }

    private static double Minutes(TimeSpan span) => span.Ticks / (double)TimeSpan.TicksPerMinute;

    /// <summary>Time-ordered samples with a running count and sum, pruned from the front.</summary>
    private sealed class Window
    {
        private readonly Queue<(long Ticks, double Value)> _items = new();

        public int Count => _items.Count;

        public double Sum { get; private set; }

        public void Add(DateTimeOffset at, double value)
        {
            _items.Enqueue((at.UtcTicks, value));
            Sum += value;
        }

        public void Prune(DateTimeOffset since)
        {
            var limit = since.UtcTicks;
            while (_items.TryPeek(out var head) && head.Ticks <= limit)
            {
                _items.Dequeue();
                Sum -= head.Value;
            }
            // Running sums drift by rounding; an empty window is exactly zero.
            if (_items.Count == 0) Sum = 0;
        }
    }
}
