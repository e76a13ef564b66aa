using System.Collections.Concurrent;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// The live calls and the timelines of the last <see cref="RecentCapacity"/> ended calls (bounded memory), for the HTTP
/// API, the dashboard and <c>status</c>. Call actors open and close their entry; readers take snapshots from any thread.
/// </summary>
public sealed class CallBoard
{
    /// <summary>
    /// The states of a live call. <c>ringing</c> and <c>connecting</c> are a callback's: its customer's phone rings; the
    /// customer answered and hears the greeting while the agent rings. Both kinds of call are <c>connected</c> once bridged.
    /// </summary>
    public static readonly IReadOnlyList<string> LiveStates = ["ringing", "answering", "connecting", "in-flow", "queued", "connected", "transferring", "recording", "ending"];

    /// <summary>The <see cref="CallSummary.Flow"/> of a callback attempt: not a flow id (ids start with a letter), so nothing keyed by flow takes it for one.</summary>
    public const string CallbackFlow = "(callback)";

    /// <summary>The <see cref="CallSummary.Kind"/> of a caller's call.</summary>
    public const string InboundKind = "inbound";

    /// <summary>The <see cref="CallSummary.Kind"/> of a callback attempt.</summary>
    public const string CallbackKind = "callback";

    private readonly ConcurrentDictionary<CallTimeline, byte> _live = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<CallTimeline> _recent = new();
    private readonly Lock _recentGate = new();
    private readonly TimeProvider _time;
    private readonly FlowMetrics _flows;
    private readonly int _maxEntries;
    private ICallBoardObserver[] _observers = [];

    /// <summary>Creates a board keeping <paramref name="recentCalls"/> ended calls of at most <paramref name="maxEntriesPerCall"/> events each.</summary>
    public CallBoard(TimeProvider time, FlowMetrics flows, int recentCalls = 200, int maxEntriesPerCall = 500)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentOutOfRangeException.ThrowIfNegative(recentCalls);
        _time = time;
        _flows = flows;
        RecentCapacity = recentCalls;
        _maxEntries = maxEntriesPerCall;
        flows.ObserveLiveCalls(this);
    }

    /// <summary>How many ended calls are kept.</summary>
    public int RecentCapacity { get; }

    /// <summary>Opens the timeline of a new live call that came from <paramref name="source"/> (<c>sip</c>, <c>asterisk</c>).</summary>
    public CallTimeline Open(CallInfo call, string flow, string version, string source = "sip")
    {
        var timeline = new CallTimeline(call, flow, version, _time, _flows, _maxEntries, source);
        _live[timeline] = 0;
        foreach (var observer in Volatile.Read(ref _observers)) observer.Opened(timeline);
        return timeline;
    }

    /// <summary>
    /// Opens the timeline of a callback attempt whose customer's phone starts ringing now. It feeds no flow metrics: a
    /// callback runs no flow.
    /// </summary>
    public CallTimeline OpenCallback(CallbackAttemptInfo attempt)
    {
        var timeline = new CallTimeline(attempt, _time, _maxEntries);
        _live[timeline] = 0;
        foreach (var observer in Volatile.Read(ref _observers)) observer.Opened(timeline);
        return timeline;
    }

    /// <summary>
    /// Adds <paramref name="observer"/>, told of every call opened and closed from now on (on the call's own thread: it
    /// must only take note and return).
    /// </summary>
    public void Subscribe(ICallBoardObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_recentGate) _observers = [.. _observers, observer];
    }

    /// <summary>Ends a live call with <paramref name="outcome"/> and keeps its timeline among the recent ones.</summary>
    public void Close(CallTimeline timeline, string outcome)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        if (!_live.TryRemove(timeline, out _)) return;
        timeline.Ended(outcome);
        foreach (var observer in Volatile.Read(ref _observers)) observer.Closed(timeline);
        if (RecentCapacity == 0) return;
        lock (_recentGate)
        {
            _recent.Enqueue(timeline);
            while (_recent.Count > RecentCapacity) _recent.Dequeue();
        }
    }

    /// <summary>The live calls, oldest first.</summary>
    public IReadOnlyList<CallSummary> Live() =>
        _live.Keys.Select(t => t.Summary).OrderBy(s => s.StartedAt).ThenBy(s => s.CallId, StringComparer.Ordinal).ToList();

    /// <summary>The live calls counted by state (every state a live call can be in, 0 when none is).</summary>
    public IReadOnlyDictionary<string, int> LiveByState()
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var state in LiveStates) counts[state] = 0;
        foreach (var call in _live.Keys) counts[call.Summary.State] = counts.GetValueOrDefault(call.Summary.State) + 1;
        return counts;
    }

    /// <summary>The recently ended calls, newest first.</summary>
    public IReadOnlyList<CallSummary> Recent()
    {
        lock (_recentGate) return _recent.Reverse().Select(t => t.Summary).ToList();
    }

    /// <summary>The timeline of a live or recently ended call, or null.</summary>
    public CallTimeline? Find(string callId)
    {
        foreach (var live in _live.Keys)
        {
            if (string.Equals(live.CallId, callId, StringComparison.Ordinal)) return live;
        }
        lock (_recentGate) return _recent.Reverse().FirstOrDefault(t => string.Equals(t.CallId, callId, StringComparison.Ordinal));
    }
}
