using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// The per-source gate of a <see cref="SipStack"/> (<see cref="SipSourceLimits"/>): <see cref="Check"/> cuts a banned
/// source's packets before they are parsed; <see cref="Admit"/> takes a token from the source's bucket for a request that
/// starts something new and bans the source when the bucket is empty. An IPv6 source is counted by its /64 network (one
/// host holds a whole /64). Allocates nothing per packet once a source is known; the table is bounded.
/// </summary>
public sealed class SipSourceGuard : ISipSourceGate
{
    private static readonly string[] Labels = ["INVITE", "REGISTER", "OPTIONS", "other requests"];

    private readonly SipSourceLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SipStackCounters? _counters;
    private readonly ConcurrentDictionary<SourceKey, Source> _sources = new();
    private readonly ConcurrentDictionary<SourceKey, Source> _banned = new();
    private readonly Source _overflow;
    private readonly long _idleTicks;
    private readonly long _forgetTicks;
    private readonly long _sweepEvery;
    private readonly long _fullSweepEvery;
    private long _nextSweep;
    private long _nextFullSweep;
    private int _count;
    private int _bannedCount;

    /// <summary>Creates the gate; <paramref name="counters"/> (optional) receive the bans and refusals and publish the banned count.</summary>
    public SipSourceGuard(SipSourceLimits limits, TimeProvider time, ILogger log, SipStackCounters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _limits = limits.Validated();
        _time = time;
        _log = log;
        _counters = counters;
        _overflow = new Source(new SourceKey(ulong.MaxValue, ulong.MaxValue), "(untracked sources)", overflow: true);
        _idleTicks = Ticks(limits.IdleAfter);
        _forgetTicks = Ticks(limits.ForgetAfter);
        _sweepEvery = Math.Max(Ticks(TimeSpan.FromSeconds(1)), _idleTicks / 2);
        _fullSweepEvery = Ticks(TimeSpan.FromSeconds(1));
        var now = time.GetTimestamp();
        _nextSweep = now + _sweepEvery;
        _nextFullSweep = now;
        counters?.ObserveBannedSources(() => BannedNow);
    }

    /// <summary>The limits in force.</summary>
    public SipSourceLimits Limits => _limits;

    /// <summary>Sources tracked now (at most <see cref="SipSourceLimits.MaxSources"/>, give or take a race).</summary>
    public int Tracked => Volatile.Read(ref _count);

    /// <summary>Sources banned now.</summary>
    public int BannedNow => Bans().Count;

    /// <summary>
    /// Before parsing: <see cref="SipSourceVerdict.Pass"/> unless <paramref name="source"/> is banned now. One volatile
    /// read while no source is banned, one dictionary lookup otherwise.
    /// </summary>
    public SipSourceVerdict Check(IPAddress source)
    {
        if (Volatile.Read(ref _bannedCount) == 0) return SipSourceVerdict.Pass;
        ArgumentNullException.ThrowIfNull(source);
        if (!_banned.TryGetValue(SourceKey.Of(source), out var s)) return SipSourceVerdict.Pass;
        var now = _time.GetTimestamp();
        lock (s)
        {
            if (now < s.BannedUntil)
            {
                s.Refused++;
                // A 503 for every packet would make a banned (perhaps spoofed) source a reflector: a few a second, the rest dropped.
                var refuse = _limits.Banned == SipBannedAction.Refuse && s.TakeAnswer(now, _time.TimestampFrequency, _limits.BannedAnswersPerSecond);
                _counters?.SourceLimited(refuse);
                return refuse ? SipSourceVerdict.Refuse : SipSourceVerdict.Drop;
            }
            EndBan(s);
        }
        return SipSourceVerdict.Pass;
    }

    /// <summary>Whole seconds (at least 1) until <paramref name="source"/>'s ban ends, for Retry-After; 0 when it is not banned.</summary>
    public int RetryAfterSeconds(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_banned.TryGetValue(SourceKey.Of(source), out var s)) return 0;
        var left = Volatile.Read(ref s.BannedUntil) - _time.GetTimestamp();
        return left <= 0 ? 0 : (int)Math.Max(1, Math.Ceiling(left / (double)_time.TimestampFrequency));
    }

    /// <summary>
    /// Counts one <paramref name="traffic"/> request from <paramref name="source"/>: true to serve it; false when its bucket
    /// is empty (the source is then banned, once, with one log line) or it is banned already. Trusted sources always pass.
    /// Call it only for what starts something new: not for retransmissions nor requests inside a live dialog.
    /// </summary>
    public bool Admit(IPAddress source, SipTrafficClass traffic)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_limits.Enabled || _limits.Trusted.Contains(source)) return true;
        var now = _time.GetTimestamp();
        if (now >= Volatile.Read(ref _nextSweep)) Sweep(now, full: false);
        var key = SourceKey.Of(source);
        var rate = _limits.RateOf(traffic);
        BanNotice? notice = null;
        while (true)
        {
            if (!_sources.TryGetValue(key, out var s)) s = Add(key, source, now);
            lock (s)
            {
                // A sweep removed this entry between the lookup and the lock: its ban history must not go with it.
                if (s.Removed) continue;
                if (!Count(s, traffic, rate, now, ref notice)) break;
                return true;
            }
        }
        if (notice is null) return false;
        _counters?.SourceBanned(Labels[(int)traffic]);
        _log.LogWarning(
            "SIP source {Source} banned for {Duration} (ban {Count}): {Method} over {Rate}",
            notice.Source, notice.Duration, notice.Count, Labels[(int)traffic], rate);
        return false;
    }

    // Under lock(s): true to serve; false when banned already or banned now (then notice says so).
    private bool Count(Source s, SipTrafficClass traffic, SipRate rate, long now, ref BanNotice? notice)
    {
        s.LastSeen = now;
        if (s.BannedUntil != 0)
        {
            if (now < s.BannedUntil)
            {
                s.Refused++;
                _counters?.SourceLimited(refused: false);
                return false;
            }
            EndBan(s);
        }
        if (s.Take(traffic, rate, now, _time.TimestampFrequency)) return true;
        _counters?.SourceLimited(refused: false);
        if (s.IsOverflow) return false;
        notice = Ban(s, traffic, rate, now);
        return false;
    }

    /// <inheritdoc />
    public bool IsBanned(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Volatile.Read(ref _bannedCount) == 0 || !_banned.TryGetValue(SourceKey.Of(source), out var s)) return false;
        return _time.GetTimestamp() < Volatile.Read(ref s.BannedUntil);
    }

    /// <inheritdoc />
    public int ConnectionLimit(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return !_limits.Enabled || _limits.Trusted.Contains(source) ? 0 : _limits.MaxConnectionsPerSource;
    }

    /// <summary>
    /// Lifts <paramref name="source"/>'s ban now (an operator's decision) and forgets its escalation, so a later ban starts
    /// again at <see cref="SipSourceLimits.FirstBan"/>. False when it was not banned.
    /// </summary>
    public bool Lift(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!_banned.TryGetValue(SourceKey.Of(source), out var s)) return false;
        bool lifted;
        lock (s)
        {
            lifted = s.BannedUntil != 0 && _time.GetTimestamp() < s.BannedUntil;
            if (s.BannedUntil != 0) EndBan(s);
            s.Streak = 0;
            s.ResetBuckets();
        }
        if (lifted) _log.LogWarning("SIP source {Source}: ban lifted by an operator", s.Display);
        return lifted;
    }

    /// <summary>The bucket a request of <paramref name="method"/> outside any dialog is counted in.</summary>
    public static SipTrafficClass ClassOf(string method) => method switch
    {
        "INVITE" => SipTrafficClass.Invite,
        "REGISTER" => SipTrafficClass.Register,
        "OPTIONS" => SipTrafficClass.Options,
        _ => SipTrafficClass.Other,
    };

    /// <summary>The sources banned now, longest ban last.</summary>
    public IReadOnlyList<SipSourceBan> Bans()
    {
        if (Volatile.Read(ref _bannedCount) == 0) return [];
        var now = _time.GetTimestamp();
        var bans = new List<SipSourceBan>();
        foreach (var (_, s) in _banned)
        {
            lock (s)
            {
                if (s.BannedUntil == 0) continue;
                if (now >= s.BannedUntil)
                {
                    EndBan(s);
                    continue;
                }
                bans.Add(new SipSourceBan(s.Display, s.Reason, s.Since, s.Until, s.Bans, s.Refused));
            }
        }
        bans.Sort((a, b) => a.Until.CompareTo(b.Until));
        return bans;
    }

    private Source Add(SourceKey key, IPAddress source, long now)
    {
        if (Volatile.Read(ref _count) >= _limits.MaxSources)
        {
            if (now >= Volatile.Read(ref _nextFullSweep)) Sweep(now, full: true);
            if (Volatile.Read(ref _count) >= _limits.MaxSources) return _overflow;
        }
        var created = new Source(key, Display(source), overflow: false) { LastSeen = now };
        var s = _sources.GetOrAdd(key, created);
        if (ReferenceEquals(s, created)) Interlocked.Increment(ref _count);
        return s;
    }

    // Forgets sources idle for IdleAfter that are not banned and whose last ban is older than ForgetAfter. Runs on the
    // receive thread at most every IdleAfter/2, and when the table is full at most once a second.
    private void Sweep(long now, bool full)
    {
        ref var next = ref full ? ref _nextFullSweep : ref _nextSweep;
        var due = Volatile.Read(ref next);
        if (now < due || Interlocked.CompareExchange(ref next, now + (full ? _fullSweepEvery : _sweepEvery), due) != due) return;
        foreach (var (key, s) in _sources)
        {
            lock (s)
            {
                if (s.BannedUntil != 0 && now >= s.BannedUntil) EndBan(s);
                if (s.BannedUntil != 0 || now - s.LastSeen < _idleTicks) continue;
                if (s.Bans > 0 && now - s.LastBanEnd < _forgetTicks) continue;
                // Removed under the lock, so an Admit that already holds this entry sees it went and looks again.
                if (!_sources.TryRemove(new KeyValuePair<SourceKey, Source>(key, s))) continue;
                s.Removed = true;
            }
            Interlocked.Decrement(ref _count);
        }
    }

    private BanNotice Ban(Source s, SipTrafficClass traffic, SipRate rate, long now)
    {
        // Each ban doubles the last unless the source kept quiet for ForgetAfter since its last ban ended.
        if (s.Bans > 0 && now - s.LastBanEnd >= _forgetTicks) s.Streak = 0;
        var duration = TimeSpan.FromTicks((long)Math.Min(_limits.MaxBan.Ticks, _limits.FirstBan.Ticks * Math.Pow(2, Math.Min(s.Streak, 40))));
        s.Streak++;
        s.Bans++;
        s.BannedUntil = now + Ticks(duration);
        s.Since = _time.GetUtcNow();
        s.Until = s.Since + duration;
        s.Reason = $"{Labels[(int)traffic]} over {rate}";
        s.Refused = 1;
        if (_banned.TryAdd(s.Key, s)) Interlocked.Increment(ref _bannedCount);
        return new BanNotice(s.Display, duration, s.Bans);
    }

    private void EndBan(Source s)
    {
        s.LastBanEnd = s.BannedUntil;
        s.BannedUntil = 0;
        if (_banned.TryRemove(new KeyValuePair<SourceKey, Source>(s.Key, s))) Interlocked.Decrement(ref _bannedCount);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private static string Display(IPAddress source) => Ivr.Engine.Net.SourceNetworks.Display(source);

    private sealed record BanNotice(string Source, TimeSpan Duration, int Count);

    // IPv4 (mapped or not) in Low below 2^32; IPv6 by its /64 in High, Low all ones.
    private readonly record struct SourceKey(ulong High, ulong Low)
    {
        public static SourceKey Of(IPAddress address)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out var written);
            if (written == 4) return new SourceKey(0, BinaryPrimitives.ReadUInt32BigEndian(bytes));
            if (address.IsIPv4MappedToIPv6) return new SourceKey(0, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]));
            return new SourceKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), ulong.MaxValue);
        }
    }

    // One tracked source: its buckets and ban; every field is read and written under lock(this).
    private sealed class Source(SourceKey key, string display, bool overflow)
    {
        private readonly Bucket[] _buckets = new Bucket[4];

        public SourceKey Key { get; } = key;

        public string Display { get; } = display;

        public bool IsOverflow { get; } = overflow;

        public long LastSeen;
        public bool Removed;
        public long AnswerWindow;
        public int Answered;
        public long BannedUntil;
        public long LastBanEnd;
        public int Streak;
        public int Bans;
        public long Refused;
        public string Reason = "";
        public DateTimeOffset Since;
        public DateTimeOffset Until;

        // At most perSecond answers in each one-second window of a ban.
        public bool TakeAnswer(long now, long frequency, int perSecond)
        {
            if (now - AnswerWindow >= frequency)
            {
                AnswerWindow = now;
                Answered = 0;
            }
            if (Answered >= perSecond) return false;
            Answered++;
            return true;
        }

        public void ResetBuckets() => Array.Clear(_buckets);

        public bool Take(SipTrafficClass traffic, SipRate rate, long now, long frequency)
        {
            ref var b = ref _buckets[(int)traffic];
            if (!b.Started)
            {
                b.Started = true;
                b.Tokens = rate.Burst;
            }
            else if (now > b.Stamp)
            {
                b.Tokens = Math.Min(rate.Burst, b.Tokens + (now - b.Stamp) / (double)frequency * rate.PerSecond);
            }
            b.Stamp = now;
            if (b.Tokens < 1) return false;
            b.Tokens -= 1;
            return true;
        }
    }

    private struct Bucket
    {
        public bool Started;
        public double Tokens;
        public long Stamp;
    }
}
