using System.Net;
using Ivr.Engine.Net;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// Locks out Digest password guessing: <see cref="RegistrarOptions.MaxAuthFailures"/> failures within
/// <see cref="RegistrarOptions.FailureWindow"/> lock the <b>source</b> (for every user) and, counted apart, the
/// <b>user</b> (from every source), each for <see cref="RegistrarOptions.LockoutTime"/>, doubling with each further lockout
/// up to <see cref="RegistrarOptions.MaxLockoutTime"/>. A source is an IPv4 address or an IPv6 /64
/// (<see cref="SourceNetworks"/>), so rotating addresses within a /64 is the same source. Only configured users are
/// counted (the caller tells which names are accounts): a lock on a name that is no account could not be
/// seen, every answer for it being the wrong password's already, and counting every claimed name would let a guesser
/// fill the table. A pair (user, address) that authenticated within <see cref="RegistrarOptions.KnownSourceTime"/> is
/// exempt from both locks, so an attacker can neither lock an agent's own phone out by guessing its password from
/// elsewhere nor lock a whole office behind one NAT. Thread-safe; memory is bounded by
/// <see cref="RegistrarOptions.MaxTrackedAuthKeys"/> per table, and a full table is swept at most once per
/// <see cref="FullSweepSpacing"/>.
/// </summary>
public sealed class RegisterLockout
{
    /// <summary>The least time between two sweeps that a full table asks for (a due sweep runs every failure window).</summary>
    public static readonly TimeSpan FullSweepSpacing = TimeSpan.FromSeconds(1);

    private readonly RegistrarOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tally> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<IPNetwork, Tally> _sources = [];
    private readonly Dictionary<(string User, IPAddress Source), DateTimeOffset> _known = [];
    private DateTimeOffset _lastSweep;
    private int _sweeps;

    /// <summary>Creates the lockout state for <paramref name="options"/>, reading time from <paramref name="time"/>.</summary>
    public RegisterLockout(RegistrarOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _lastSweep = time.GetUtcNow();
    }

    /// <summary>Users and sources whose failures are remembered right now, and recently authenticated pairs (for tests and the bound).</summary>
    public int Tracked
    {
        get
        {
            lock (_gate) return _users.Count + _sources.Count + _known.Count;
        }
    }

    /// <summary>How many times the tables were swept of forgotten entries (for tests: a full table is not swept on every attempt).</summary>
    public int Sweeps
    {
        get
        {
            lock (_gate) return _sweeps;
        }
    }

    /// <summary>
    /// What locks <paramref name="user"/> from <paramref name="source"/> now: <see cref="LockScope.None"/> when it may
    /// try; a pair that authenticated recently is never locked.
    /// </summary>
    public LockScope Check(string user, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(source);
        var address = SourceNetworks.Unmapped(source);
        var network = SourceNetworks.Of(address);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (IsKnownLocked(user, address, now)) return LockScope.None;
            var scope = LockScope.None;
            if (_sources.TryGetValue(network, out var s) && s.LockedUntil > now) scope |= LockScope.Source;
            if (_users.TryGetValue(user, out var u) && u.LockedUntil > now) scope |= LockScope.User;
            return scope;
        }
    }

    /// <summary>
    /// Counts a failed attempt by <paramref name="user"/> from <paramref name="source"/> (the user only when
    /// <paramref name="isAccount"/>: a name that is no account counts against its source alone) and returns the lockouts
    /// it starts (none while already locked: attempts during a lockout neither extend nor escalate it).
    /// </summary>
    public IReadOnlyList<Lockout> Failed(string user, IPAddress source, bool isAccount = true)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(source);
        var address = SourceNetworks.Unmapped(source);
        var network = SourceNetworks.Of(address);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            if (isAccount && IsKnownLocked(user, address, now)) return [];
            var started = new List<Lockout>(2);
            if (Count(_sources, network, now) is { } sourceLock)
                started.Add(new Lockout(LockScope.Source, user, address, sourceLock.Until, sourceLock.Until - now, sourceLock.Level));
            if (isAccount && Count(_users, user, now) is { } userLock)
                started.Add(new Lockout(LockScope.User, user, address, userLock.Until, userLock.Until - now, userLock.Level));
            return started;
        }
    }

    /// <summary>
    /// Records that <paramref name="user"/> authenticated from <paramref name="source"/>: that pair is exempt from locks for
    /// <see cref="RegistrarOptions.KnownSourceTime"/>, and the user's failure count starts again (its escalation level stays).
    /// </summary>
    public void Succeeded(string user, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(source);
        var address = SourceNetworks.Unmapped(source);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            SweepIfDue(now);
            if (_known.Count < _options.MaxTrackedAuthKeys || _known.ContainsKey((user, address))) _known[(user, address)] = now + _options.KnownSourceTime;
            if (_users.TryGetValue(user, out var u) && u.LockedUntil <= now) u.Failures = 0;
        }
    }

    private bool IsKnownLocked(string user, IPAddress source, DateTimeOffset now) =>
        _known.TryGetValue((user, source), out var until) && until > now;

    // One more failure on a key; a new lockout when it reaches the limit. A full table stops tracking new keys rather
    // than growing: the other key of the pair (and the keys already tracked) still count.
    private (DateTimeOffset Until, int Level)? Count<TKey>(Dictionary<TKey, Tally> tallies, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        if (!tallies.TryGetValue(key, out var tally))
        {
            if (tallies.Count >= _options.MaxTrackedAuthKeys) return null;
            tallies[key] = tally = new Tally();
        }
        if (tally.LockedUntil > now) return null;
        if (tally.LastFailure + _options.LockoutMemory <= now) tally.Level = 0;
        if (tally.LastFailure + _options.FailureWindow <= now) tally.Failures = 0;
        tally.LastFailure = now;
        if (++tally.Failures < _options.MaxAuthFailures) return null;
        tally.Failures = 0;
        var length = TimeSpan.FromTicks((long)Math.Min(_options.MaxLockoutTime.Ticks, _options.LockoutTime.Ticks * Math.Pow(2, tally.Level)));
        tally.Level++;
        tally.LockedUntil = now + length;
        return (tally.LockedUntil, tally.Level);
    }

    // Due every failure window; a full table asks for one sooner, but at most once per FullSweepSpacing, so a guesser
    // holding the tables full does not make every REGISTER walk them under the lock.
    private void SweepIfDue(DateTimeOffset now)
    {
        var since = now - _lastSweep;
        if (since < _options.FailureWindow)
        {
            var full = _users.Count >= _options.MaxTrackedAuthKeys || _sources.Count >= _options.MaxTrackedAuthKeys || _known.Count >= _options.MaxTrackedAuthKeys;
            if (!full || since < FullSweepSpacing) return;
        }
        _lastSweep = now;
        _sweeps++;
        Sweep(_users, now);
        Sweep(_sources, now);
        // Removing the current entry while enumerating a Dictionary is allowed (.NET Core 3.0 on): no copy of the table.
        foreach (var (key, until) in _known)
        {
            if (until <= now) _known.Remove(key);
        }
    }

    // A key is forgotten once it is not locked and neither its failures nor its escalation level still count.
    private void Sweep<TKey>(Dictionary<TKey, Tally> tallies, DateTimeOffset now)
        where TKey : notnull
    {
        foreach (var (key, tally) in tallies)
        {
            if (tally.LockedUntil <= now && tally.LastFailure + _options.LockoutMemory <= now
                || tally.LockedUntil <= now && tally.Level == 0 && tally.LastFailure + _options.FailureWindow <= now)
                tallies.Remove(key);
        }
    }

    private sealed class Tally
    {
        public int Failures;
        public int Level;
        public DateTimeOffset LastFailure = DateTimeOffset.MinValue;
        public DateTimeOffset LockedUntil = DateTimeOffset.MinValue;
    }
}
