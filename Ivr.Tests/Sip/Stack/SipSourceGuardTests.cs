using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Stack;

/// <summary>The per-source buckets, bans, trusted ranges and table bound, on a fake clock.</summary>
public sealed class SipSourceGuardTests
{
    private static readonly IPAddress Flooder = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Caller = IPAddress.Parse("198.51.100.3");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _log = new();
    private readonly SipStackCounters _counters = new();

    private SipSourceGuard Guard(SipSourceLimits? limits = null) =>
        new(limits ?? new SipSourceLimits { Invite = new SipRate(10, 5), Trusted = AddressRanges.None }, _time, _log, _counters);

    [Fact]
    public void Admit_BurstThenEmpty_BansOnceWithOneLogLine()
    {
        var guard = Guard();

        var admitted = Enumerable.Range(0, 1000).Count(_ => guard.Admit(Flooder, SipTrafficClass.Invite));

        Assert.Equal(5, admitted);
        var ban = Assert.Single(guard.Bans());
        Assert.Equal("192.0.2.7", ban.Source);
        Assert.Equal("INVITE over 10/s (burst 5)", ban.Reason);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), ban.Until);
        Assert.Equal(1, ban.Count);
        Assert.Equal(995, ban.Refused);
        Assert.Equal(1, _counters.SourceBans);
        Assert.Equal(995, _counters.SourceDropped);
        var line = Assert.Single(_log.Lines, l => l.Contains("banned", StringComparison.Ordinal));
        Assert.Equal("SIP source 192.0.2.7 banned for 00:01:00 (ban 1): INVITE over 10/s (burst 5)", line);
    }

    [Fact]
    public void Admit_AtTheSustainedRate_IsNeverBanned()
    {
        var guard = Guard();

        // 10/s for a minute, one every 100 ms, after the burst was spent at once.
        for (var i = 0; i < 5; i++) Assert.True(guard.Admit(Caller, SipTrafficClass.Invite));
        for (var i = 0; i < 600; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.True(guard.Admit(Caller, SipTrafficClass.Invite), $"request {i} refused");
        }

        Assert.Empty(guard.Bans());
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(Caller));
    }

    [Fact]
    public void Check_DuringTheBan_DropsThenPassesWhenItEnds()
    {
        var guard = Guard();
        Flood(guard, Flooder);

        Assert.Equal(SipSourceVerdict.Drop, guard.Check(Flooder));
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(Caller));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(SipSourceVerdict.Drop, guard.Check(Flooder));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(Flooder));
        Assert.Empty(guard.Bans());
        Assert.True(guard.Admit(Flooder, SipTrafficClass.Invite), "the bucket refilled during the ban");
    }

    [Fact]
    public void Ban_EachNewBanDoubles_UpToTheCap_AndStartsOverAfterForgetAfter()
    {
        var guard = Guard(new SipSourceLimits
        {
            Invite = new SipRate(10, 5),
            Trusted = AddressRanges.None,
            FirstBan = TimeSpan.FromSeconds(60),
            MaxBan = TimeSpan.FromSeconds(300),
            ForgetAfter = TimeSpan.FromMinutes(30),
        });
        var lengths = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            Flood(guard, Flooder);
            var ban = Assert.Single(guard.Bans());
            lengths.Add((ban.Until - ban.Since).TotalSeconds);
            _time.Advance(ban.Until - _time.GetUtcNow());
        }

        Assert.Equal([60, 120, 240, 300, 300], lengths);
        _time.Advance(TimeSpan.FromMinutes(30));
        Flood(guard, Flooder);
        var fresh = Assert.Single(guard.Bans());
        Assert.Equal(60, (fresh.Until - fresh.Since).TotalSeconds);
        Assert.Equal(1, fresh.Count); // idle and forgiven: the source was forgotten altogether
    }

    [Fact]
    public void Admit_TrustedRange_IsNeverLimited()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(1, 1), Trusted = AddressRanges.Parse("192.0.2.0/24", "test") });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(guard.Admit(Flooder, SipTrafficClass.Invite)));
        Assert.True(guard.Admit(Caller, SipTrafficClass.Invite));
        Assert.False(guard.Admit(Caller, SipTrafficClass.Invite), "an untrusted source is limited");
        Assert.Equal(1, guard.Tracked);
    }

    [Fact]
    public void Admit_Disabled_PassesEverything()
    {
        var guard = Guard(SipSourceLimits.Off with { Invite = new SipRate(1, 1) });

        Assert.All(Enumerable.Range(0, 100), _ => Assert.True(guard.Admit(Flooder, SipTrafficClass.Invite)));
        Assert.Equal(0, guard.Tracked);
    }

    [Fact]
    public void Admit_EachClassHasItsOwnBucket()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(1, 3), Options = new SipRate(1, 2), Register = new SipRate(1, 4), Other = new SipRate(1, 1), Trusted = AddressRanges.None });

        for (var i = 0; i < 3; i++) Assert.True(guard.Admit(Caller, SipTrafficClass.Invite));
        for (var i = 0; i < 2; i++) Assert.True(guard.Admit(Caller, SipTrafficClass.Options));
        for (var i = 0; i < 4; i++) Assert.True(guard.Admit(Caller, SipTrafficClass.Register));
        Assert.True(guard.Admit(Caller, SipTrafficClass.Other));
        Assert.Empty(guard.Bans());

        Assert.False(guard.Admit(Caller, SipTrafficClass.Options));
        Assert.Equal("OPTIONS over 1/s (burst 2)", Assert.Single(guard.Bans()).Reason);
    }

    [Fact]
    public void Refuse_AnswersAFewPerSecond_AndDropsTheRest()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(10, 5), Trusted = AddressRanges.None, Banned = SipBannedAction.Refuse, BannedAnswersPerSecond = 3 });
        while (guard.Admit(Flooder, SipTrafficClass.Invite))
        {
        }

        var first = Enumerable.Range(0, 100).Select(_ => guard.Check(Flooder)).ToList();
        Assert.Equal(3, first.Count(v => v == SipSourceVerdict.Refuse));
        Assert.Equal(97, first.Count(v => v == SipSourceVerdict.Drop));

        _time.Advance(TimeSpan.FromSeconds(1));
        var next = Enumerable.Range(0, 100).Select(_ => guard.Check(Flooder)).ToList();
        Assert.Equal(3, next.Count(v => v == SipSourceVerdict.Refuse));
        Assert.Equal(6, _counters.SourceRefused);
    }

    [Fact]
    public void Lift_EndsTheBanAndItsEscalation()
    {
        var guard = Guard();
        while (guard.Admit(Flooder, SipTrafficClass.Invite))
        {
        }
        Assert.True(guard.IsBanned(Flooder));

        Assert.True(guard.Lift(Flooder));

        Assert.False(guard.IsBanned(Flooder));
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(Flooder));
        Assert.Empty(guard.Bans());
        Assert.True(guard.Admit(Flooder, SipTrafficClass.Invite));
        Assert.False(guard.Lift(Flooder));
        Assert.False(guard.Lift(Caller));
        // The next ban starts again at FirstBan, not doubled.
        while (guard.Admit(Flooder, SipTrafficClass.Invite))
        {
        }
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(60), Assert.Single(guard.Bans()).Until);
    }

    [Fact]
    public void ConnectionLimit_IsTheSettingForOthers_AndNoneForTrusted()
    {
        var guard = Guard(new SipSourceLimits { MaxConnectionsPerSource = 7, Trusted = AddressRanges.Parse("198.51.100.0/24", "t") });
        Assert.Equal(7, guard.ConnectionLimit(Flooder));
        Assert.Equal(0, guard.ConnectionLimit(Caller));
    }

    [Fact]
    public void Refuse_AnswersWithTheBansRemainingSeconds()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(10, 5), Trusted = AddressRanges.None, Banned = SipBannedAction.Refuse });
        Flood(guard, Flooder);

        Assert.Equal(SipSourceVerdict.Refuse, guard.Check(Flooder));
        Assert.Equal(60, guard.RetryAfterSeconds(Flooder));
        _time.Advance(TimeSpan.FromSeconds(29.5));
        Assert.Equal(31, guard.RetryAfterSeconds(Flooder));
        Assert.Equal(0, guard.RetryAfterSeconds(Caller));
        Assert.Equal(1, _counters.SourceRefused);
    }

    [Fact]
    public void Ipv6_SourcesAreCountedByTheirSlash64()
    {
        var guard = Guard();

        var admitted = Enumerable.Range(1, 20).Count(i => guard.Admit(IPAddress.Parse($"2001:db8:0:1::{i:x}"), SipTrafficClass.Invite));

        Assert.Equal(5, admitted);
        Assert.Equal("2001:db8:0:1::/64", Assert.Single(guard.Bans()).Source);
        Assert.Equal(SipSourceVerdict.Drop, guard.Check(IPAddress.Parse("2001:db8:0:1:ffff::1")));
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(IPAddress.Parse("2001:db8:0:2::1")));
        Assert.Equal(SipSourceVerdict.Pass, guard.Check(Flooder));
    }

    [Fact]
    public void Ipv4Mapped_IsTheSameSourceAsIpv4()
    {
        var guard = Guard();
        Flood(guard, Flooder);

        Assert.Equal(SipSourceVerdict.Drop, guard.Check(Flooder.MapToIPv6()));
        Assert.Equal("192.0.2.7", Assert.Single(guard.Bans()).Source);
    }

    [Fact]
    public void Table_IsBounded_NewSourcesShareOneBucketUntilIdleOnesAreEvicted()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(1, 3), Trusted = AddressRanges.None, MaxSources = 100, IdleAfter = TimeSpan.FromMinutes(5) });

        // A spoofer cycling through 10,000 addresses: only 100 are tracked, the rest share one bucket (3 at once, 1/s).
        var admitted = Enumerable.Range(0, 10_000).Count(i => guard.Admit(new IPAddress(0x0A000000u + (uint)i), SipTrafficClass.Invite));

        Assert.Equal(100, guard.Tracked);
        Assert.Equal(100 + 3, admitted);
        Assert.Empty(guard.Bans());

        // Once the spoofer's addresses have been idle for IdleAfter, a new caller gets its own bucket again.
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(guard.Admit(Caller, SipTrafficClass.Invite));
        Assert.Equal(1, guard.Tracked);
        for (var i = 0; i < 2; i++) Assert.True(guard.Admit(Caller, SipTrafficClass.Invite));
    }

    [Fact]
    public void Table_BannedSourcesAreRememberedForForgetAfter_ThenEvicted()
    {
        var guard = Guard(new SipSourceLimits { Invite = new SipRate(10, 5), Trusted = AddressRanges.None, IdleAfter = TimeSpan.FromMinutes(1), ForgetAfter = TimeSpan.FromMinutes(30) });
        Flood(guard, Flooder);

        _time.Advance(TimeSpan.FromMinutes(10));
        guard.Admit(Caller, SipTrafficClass.Invite);
        Assert.Equal(2, guard.Tracked);

        _time.Advance(TimeSpan.FromMinutes(30));
        guard.Admit(Caller, SipTrafficClass.Invite);
        Assert.Equal(1, guard.Tracked);
    }

    [Fact]
    public void Limits_OutOfRange_AreRefusedWithTheSettingsName()
    {
        var bad = new SipSourceLimits { Invite = new SipRate(0, 5) };

        var error = Assert.Throws<FormatException>(() => new SipSourceGuard(bad, _time, _log));
        Assert.Contains("Sip:Limits:Invite", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => new SipSourceLimits { FirstBan = TimeSpan.FromMinutes(2), MaxBan = TimeSpan.FromMinutes(1) }.Validated());
    }

    private static void Flood(SipSourceGuard guard, IPAddress source)
    {
        for (var i = 0; i < 100; i++) guard.Admit(source, SipTrafficClass.Invite);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }
}
