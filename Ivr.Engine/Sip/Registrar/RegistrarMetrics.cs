using System.Diagnostics.Metrics;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The registrar's counters on the meter <c>Ivr.Registrar</c> (exported on <c>/metrics</c>): <c>ivr.registrar.auth_failures</c>
/// by <c>reason</c> (<c>credentials</c>: wrong password or unknown user; <c>locked</c>: refused during a lockout;
/// <c>network</c>: outside the agent's <c>allowedNetworks</c>), <c>ivr.registrar.lockouts</c> by <c>scope</c>
/// (<c>source</c>, <c>user</c>), <c>ivr.registrar.contact_moves</c> (an agent registering from a new network) and
/// <c>ivr.registrar.store_failures</c> by <c>operation</c> (<c>read</c>, <c>write</c>: the REGISTER was answered 500;
/// <c>load</c>, <c>refresh</c>, <c>expire</c>: in the background).
/// </summary>
public sealed class RegistrarMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _moves;
    private readonly Counter<long> _storeFailures;
    private long _storeFailureTotal;
    private long _failureTotal;
    private long _lockoutTotal;
    private long _moveTotal;

    /// <summary>Creates the counters on a meter from <paramref name="meterFactory"/> (the host's), or a detached one without it.</summary>
    public RegistrarMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = Metrics.EngineMeter.Create(meterFactory, "Ivr.Registrar");
        _authFailures = _meter.CreateCounter<long>("ivr.registrar.auth_failures", description: "REGISTERs refused at authentication, by reason (credentials, locked, network)");
        _lockouts = _meter.CreateCounter<long>("ivr.registrar.lockouts", description: "Lockouts started after repeated Digest failures, by scope (source, user)");
        _moves = _meter.CreateCounter<long>("ivr.registrar.contact_moves", description: "Agents that registered from a network other than their previous registration's");
        _storeFailures = _meter.CreateCounter<long>("ivr.registrar.store_failures", description: "Registration store operations that failed, by operation (read, write, load, refresh, expire)");
    }

    /// <summary>Authentication failures counted so far (every reason).</summary>
    public long AuthFailures => Interlocked.Read(ref _failureTotal);

    /// <summary>Lockouts started so far (both scopes).</summary>
    public long Lockouts => Interlocked.Read(ref _lockoutTotal);

    /// <summary>Contact moves counted so far.</summary>
    public long ContactMoves => Interlocked.Read(ref _moveTotal);

    /// <summary>Counts a refused authentication with <paramref name="reason"/>.</summary>
    public void AuthFailed(string reason)
    {
        Interlocked.Increment(ref _failureTotal);
        _authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>Counts a lockout that started.</summary>
    public void LockedOut(LockScope scope)
    {
        Interlocked.Increment(ref _lockoutTotal);
        _lockouts.Add(1, new KeyValuePair<string, object?>("scope", scope == LockScope.User ? "user" : "source"));
    }

    /// <summary>Counts an agent's contact moving to another network.</summary>
    public void ContactMoved()
    {
        Interlocked.Increment(ref _moveTotal);
        _moves.Add(1);
    }

    /// <summary>Registration store failures counted so far (every operation).</summary>
    public long StoreFailures => Interlocked.Read(ref _storeFailureTotal);

    /// <summary>Counts a failed store <paramref name="operation"/>.</summary>
    public void StoreFailed(string operation)
    {
        Interlocked.Increment(ref _storeFailureTotal);
        _storeFailures.Add(1, new KeyValuePair<string, object?>("operation", operation));
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
