using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// Simple counters of a <see cref="SipStack"/>, also published on a <see cref="Meter"/> named <c>Ivr.Sip</c>
/// (<c>ivr.sip.requests</c>, <c>ivr.sip.responses</c>, <c>ivr.sip.retransmissions</c>, <c>ivr.sip.parse_errors</c>,
/// <c>ivr.sip.rejected_overload</c>, and for the per-source limits <c>ivr.sip.source_bans</c>, <c>ivr.sip.source_limited</c>,
/// <c>ivr.sip.banned_sources</c>).
/// </summary>
public sealed class SipStackCounters : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, long> _responses = new();
    private readonly Meter _meter;
    private readonly Counter<long> _requestCounter;
    private readonly Counter<long> _responseCounter;
    private readonly Counter<long> _retransmissionCounter;
    private readonly Counter<long> _parseErrorCounter;
    private readonly Counter<long> _overloadCounter;
    private readonly Counter<long> _banCounter;
    private readonly Counter<long> _limitedCounter;
    private Func<int>? _bannedNow;
    private long _bans;
    private long _limitedDropped;
    private long _limitedRefused;
    private long _retransmissions;
    private long _parseErrors;
    private long _overloaded;

    /// <summary>
    /// Creates the counters and their meter, from <paramref name="meterFactory"/> (the host's, exported on
    /// <c>/metrics</c>) or, without one, a detached meter no exporter reads (<see cref="Metrics.EngineMeter"/>).
    /// </summary>
    public SipStackCounters(IMeterFactory? meterFactory = null)
    {
        _meter = Metrics.EngineMeter.Create(meterFactory, "Ivr.Sip");
        _requestCounter = _meter.CreateCounter<long>("ivr.sip.requests", description: "SIP requests received, by method");
        _responseCounter = _meter.CreateCounter<long>("ivr.sip.responses", description: "SIP responses sent, by status code");
        _retransmissionCounter = _meter.CreateCounter<long>("ivr.sip.retransmissions", description: "Messages sent again by timers or received again");
        _parseErrorCounter = _meter.CreateCounter<long>("ivr.sip.parse_errors", description: "Messages refused by the parser");
        _overloadCounter = _meter.CreateCounter<long>("ivr.sip.rejected_overload", description: "INVITEs the SIP stack answered 503 itself (no call handler); capacity and drain refusals are in ivr.calls.rejected");
        _banCounter = _meter.CreateCounter<long>("ivr.sip.source_bans", description: "Sources banned for going over a per-source limit, by the limit's method");
        _limitedCounter = _meter.CreateCounter<long>("ivr.sip.source_limited", description: "Packets refused (503) or dropped by a per-source limit or ban, by action");
        _meter.CreateObservableGauge("ivr.sip.banned_sources", () => _bannedNow?.Invoke() ?? 0, description: "Sources banned now");
    }

    /// <summary>A message was received or sent.</summary>
    public event Action<string>? Counted;

    /// <summary>Retransmissions sent by timers plus retransmitted requests received (RFC 3261 §17).</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>Messages the parser refused (keep-alives excluded).</summary>
    public long ParseErrors => Interlocked.Read(ref _parseErrors);

    /// <summary>INVITEs the stack answered 503 itself because no call handler was set (capacity and drain are decided by the call layer).</summary>
    public long Rejected503 => Interlocked.Read(ref _overloaded);

    /// <summary>Sources banned so far (a source banned twice counts twice).</summary>
    public long SourceBans => Interlocked.Read(ref _bans);

    /// <summary>Packets dropped by a per-source limit or ban.</summary>
    public long SourceDropped => Interlocked.Read(ref _limitedDropped);

    /// <summary>Requests answered 503 because their source is banned (<see cref="SipBannedAction.Refuse"/>).</summary>
    public long SourceRefused => Interlocked.Read(ref _limitedRefused);

    /// <summary>Requests received with this method.</summary>
    public long RequestsReceived(string method) => _requests.TryGetValue(method, out var n) ? n : 0;

    /// <summary>Responses sent with this status code.</summary>
    public long ResponsesSent(int statusCode) => _responses.TryGetValue(statusCode, out var n) ? n : 0;

    /// <summary>Requests received so far, by method.</summary>
    public IReadOnlyDictionary<string, long> RequestsByMethod() => _requests.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Responses sent so far, by status code.</summary>
    public IReadOnlyDictionary<int, long> ResponsesByCode() => _responses.ToDictionary(kv => kv.Key, kv => kv.Value);

    internal void Request(string method)
    {
        _requests.AddOrUpdate(method, 1, static (_, n) => n + 1);
        _requestCounter.Add(1, new KeyValuePair<string, object?>("method", method));
        Counted?.Invoke("request:" + method);
    }

    internal void Response(int code)
    {
        _responses.AddOrUpdate(code, 1, static (_, n) => n + 1);
        _responseCounter.Add(1, new KeyValuePair<string, object?>("code", code.ToString(CultureInfo.InvariantCulture)));
        Counted?.Invoke("response:" + code.ToString(CultureInfo.InvariantCulture));
    }

    internal void Retransmission()
    {
        Interlocked.Increment(ref _retransmissions);
        _retransmissionCounter.Add(1);
        Counted?.Invoke("retransmission");
    }

    internal void ParseError()
    {
        Interlocked.Increment(ref _parseErrors);
        _parseErrorCounter.Add(1);
        Counted?.Invoke("parse_error");
    }

    internal void Overloaded()
    {
        Interlocked.Increment(ref _overloaded);
        _overloadCounter.Add(1);
        Counted?.Invoke("overloaded");
    }

    internal void ObserveBannedSources(Func<int> bannedNow) => _bannedNow = bannedNow;

    internal void SourceBanned(string method)
    {
        Interlocked.Increment(ref _bans);
        _banCounter.Add(1, new KeyValuePair<string, object?>("method", method));
        Counted?.Invoke("source_ban");
    }

    internal void SourceLimited(bool refused)
    {
        Interlocked.Increment(ref refused ? ref _limitedRefused : ref _limitedDropped);
        _limitedCounter.Add(1, new KeyValuePair<string, object?>("action", refused ? "refused" : "dropped"));
    }

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();
}
