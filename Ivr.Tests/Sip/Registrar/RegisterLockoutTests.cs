using System.Net;
using Ivr.Engine.Sip.Registrar;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Registrar;

public sealed class RegisterLockoutTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.66");
    private static readonly IPAddress Office = IPAddress.Parse("198.51.100.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Failed_FifthFailure_LocksTheSourceAndTheUser_OnceEach()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);

        for (var i = 0; i < 4; i++) Assert.Empty(lockout.Failed("alice", Attacker));
        Assert.Equal(LockScope.None, lockout.Check("alice", Attacker));
        var started = lockout.Failed("alice", Attacker);

        Assert.Equal([LockScope.Source, LockScope.User], started.Select(l => l.Scope));
        Assert.All(started, l => Assert.Equal(_time.GetUtcNow() + TimeSpan.FromMinutes(1), l.Until));
        Assert.Equal(LockScope.Source | LockScope.User, lockout.Check("alice", Attacker));
        // Attempts during the lockout start no new one (one log line per lockout) and do not extend it.
        for (var i = 0; i < 10; i++) Assert.Empty(lockout.Failed("alice", Attacker));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(LockScope.None, lockout.Check("alice", Attacker));
    }

    [Fact]
    public void Check_OtherUsersAndOtherSources_AreNotLockedByIt()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);
        for (var i = 0; i < 5; i++) lockout.Failed("alice", Attacker);

        Assert.Equal(LockScope.None, lockout.Check("bob", Office));
        // The attacker's address is locked for every user; alice is locked from every address that has not logged in as her.
        Assert.Equal(LockScope.Source, lockout.Check("bob", Attacker));
        Assert.Equal(LockScope.User, lockout.Check("alice", Office));
    }

    [Fact]
    public void Check_PairThatAuthenticatedBefore_IsNeverLocked_SoAnAttackerCannotLockAnAgentsOwnPhoneOut()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);
        lockout.Succeeded("alice", Office);

        // Guesses from many addresses lock alice (a distributed attack) and each guessing address ...
        for (var n = 1; n <= 5; n++) lockout.Failed("alice", IPAddress.Parse("203.0.113." + n));
        Assert.Equal(LockScope.User, lockout.Check("alice", IPAddress.Parse("203.0.113.99")));
        // ... but alice's own phone keeps registering, even when a phone behind the same NAT mistypes 5 times.
        for (var i = 0; i < 5; i++) lockout.Failed("bob", Office);
        Assert.Equal(LockScope.None, lockout.Check("alice", Office));
        Assert.Equal(LockScope.Source | LockScope.User, lockout.Check("bob", Office));

        // The exemption lasts KnownSourceTime after the last success, then the office's lock holds alice too.
        _time.Advance(new RegistrarOptions().KnownSourceTime);
        for (var i = 0; i < 5; i++) lockout.Failed("bob", Office);
        Assert.Equal(LockScope.Source, lockout.Check("alice", Office));
    }

    [Fact]
    public void Lockouts_Escalate_DoublingUpToTheMaximum_AndStartAgainAfterTheMemory()
    {
        var options = new RegistrarOptions { LockoutTime = TimeSpan.FromMinutes(1), MaxLockoutTime = TimeSpan.FromMinutes(5), LockoutMemory = TimeSpan.FromHours(6) };
        var lockout = new RegisterLockout(options, _time);
        var lengths = new List<TimeSpan>();
        var levels = new List<int>();

        for (var round = 0; round < 5; round++)
        {
            IReadOnlyList<Lockout> started = [];
            for (var i = 0; i < 5; i++) started = lockout.Failed("alice", Attacker);
            var user = started.Single(l => l.Scope == LockScope.User);
            lengths.Add(user.Until - _time.GetUtcNow());
            levels.Add(user.Level);
            _time.Advance(user.Until - _time.GetUtcNow());
            Assert.Equal(LockScope.None, lockout.Check("alice", Attacker));
        }

        Assert.Equal([1, 2, 4, 5, 5], lengths.Select(l => (int)l.TotalMinutes));
        Assert.Equal([1, 2, 3, 4, 5], levels);
        _time.Advance(TimeSpan.FromHours(6));
        IReadOnlyList<Lockout> again = [];
        for (var i = 0; i < 5; i++) again = lockout.Failed("alice", Attacker);
        Assert.All(again, l => Assert.Equal(1, l.Level));
    }

    [Fact]
    public void Failures_SpreadWiderThanTheWindow_DoNotLock()
    {
        var lockout = new RegisterLockout(new RegistrarOptions { FailureWindow = TimeSpan.FromMinutes(10) }, _time);

        for (var i = 0; i < 12; i++)
        {
            Assert.Empty(lockout.Failed("alice", Attacker));
            _time.Advance(TimeSpan.FromMinutes(11));
        }
        Assert.Equal(LockScope.None, lockout.Check("alice", Attacker));
    }

    [Fact]
    public void Succeeded_ResetsTheUsersCount_NotTheSources()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);
        for (var i = 0; i < 4; i++) lockout.Failed("alice", Attacker);

        // The attacker has an account of its own: logging in with it does not buy it more guesses from its address.
        lockout.Succeeded("mallory", Attacker);
        lockout.Succeeded("alice", Office);

        Assert.Equal([LockScope.Source], lockout.Failed("alice", Attacker).Select(l => l.Scope));
    }

    [Fact]
    public void Tracking_IsBounded_AndForgetsOldKeys()
    {
        var options = new RegistrarOptions { MaxTrackedAuthKeys = 50, FailureWindow = TimeSpan.FromMinutes(1), LockoutMemory = TimeSpan.FromMinutes(2) };
        var lockout = new RegisterLockout(options, _time);

        for (var i = 0; i < 500; i++) lockout.Failed("user" + i, IPAddress.Parse("10.1." + (i / 250) + "." + (i % 250)));
        Assert.InRange(lockout.Tracked, 1, 100);

        _time.Advance(TimeSpan.FromMinutes(3));
        lockout.Failed("late", Attacker);
        Assert.Equal(2, lockout.Tracked);
    }

    [Fact]
    public void Check_Ipv4MappedAddress_IsTheSameSource()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);
        for (var i = 0; i < 5; i++) lockout.Failed("u" + i, Attacker.MapToIPv6());

        Assert.Equal(LockScope.Source, lockout.Check("someone", Attacker));
    }

    [Fact]
    public void Failed_Ipv6SourcesWithinOneSlash64_CountAsOneSource()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);

        for (var i = 1; i <= 5; i++) lockout.Failed("user" + i, IPAddress.Parse("2001:db8:1:2::" + i), isAccount: false);

        Assert.Equal(LockScope.Source, lockout.Check("bob", IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal(LockScope.None, lockout.Check("bob", IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal(1, lockout.Tracked);
    }

    [Fact]
    public void Failed_NameThatIsNoAccount_CountsAgainstTheSourceOnly()
    {
        var lockout = new RegisterLockout(new RegistrarOptions(), _time);

        var started = Enumerable.Range(0, 5).SelectMany(i => lockout.Failed("ghost", Attacker, isAccount: false)).ToArray();

        Assert.Equal(LockScope.Source, Assert.Single(started).Scope);
        Assert.Equal(LockScope.None, lockout.Check("ghost", Office));
        Assert.Equal(1, lockout.Tracked);
    }

    [Fact]
    public void Failed_FullTables_AreSweptAtMostOncePerSpacing_NotOnEveryAttempt()
    {
        var lockout = new RegisterLockout(new RegistrarOptions { MaxTrackedAuthKeys = 8 }, _time);
        for (var i = 0; i < 8; i++) lockout.Failed("alice", IPAddress.Parse("192.0.2." + i));
        Assert.Equal(9, lockout.Tracked);
        var before = lockout.Sweeps;

        for (var i = 0; i < 200; i++) lockout.Failed("bob", IPAddress.Parse("198.51.100." + (i % 200)));
        Assert.Equal(before, lockout.Sweeps);
        _time.Advance(RegisterLockout.FullSweepSpacing);
        for (var i = 0; i < 50; i++) lockout.Failed("bob", Attacker);
        Assert.Equal(before + 1, lockout.Sweeps);

        _time.Advance(RegisterLockout.FullSweepSpacing);
        lockout.Failed("bob", Attacker);
        Assert.Equal(before + 2, lockout.Sweeps);
        // The table stayed bounded, and a sweep once the failures are forgotten empties it.
        Assert.True(lockout.Tracked <= 8 + 2, $"tracked {lockout.Tracked}");
        _time.Advance(new RegistrarOptions().LockoutMemory);
        lockout.Failed("carol", Office, isAccount: false);
        Assert.Equal(1, lockout.Tracked);
    }
}
