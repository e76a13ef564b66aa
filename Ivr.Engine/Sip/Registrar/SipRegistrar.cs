using System.Globalization;
using System.Net;
using Ivr.Engine.Net;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The engine's registrar (RFC 3261 §10.3) for agents' softphones: Digest authentication (RFC 7616, RFC 8760),
/// bindings per address-of-record with expiry, refresh and removal, and the <see cref="IAgentContacts"/> the router
/// delivers calls with. Bindings live in memory and, with a <see cref="RegistrarStorage"/>, in a store written before the
/// 200 (a failed write is answered 500) and read back at start, so they outlive the process and, on a shared store, the node.
/// Password guessing is locked out per source address and per user (<see cref="RegisterLockout"/>), an unknown user is
/// answered exactly like a known one, and an agent may be held to its <c>allowedNetworks</c>.
/// </summary>
public sealed class SipRegistrar : ISipRegistrar, IAgentContacts, IDisposable
{
    private readonly RegistrarOptions _options;
    private readonly ISipCredentialSource _credentials;
    private readonly DigestAuthenticator _authenticator;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Aor> _byAgent = new(StringComparer.Ordinal);
    private readonly ITimer _expiry;
    private readonly RegisterLockout _lockout;
    private readonly RegistrarStorage? _storage;
    private readonly ITimer? _refresh;

    // REGISTERs that change bindings one at a time: read the store, apply, write, then update memory.
    private readonly Lock _writeGate = new();

    // Agents whose bindings this node wrote, by write number: a store refresh that began before such a write leaves them be.
    private readonly Dictionary<string, long> _writtenAt = new(StringComparer.Ordinal);
    private long _writes;
    private int _refreshing;
    private bool _refreshFailing;

    /// <summary>
    /// Creates a registrar; <paramref name="nonceKey"/> null draws a random key (nonces then die with the process);
    /// its counters go on a meter from <paramref name="meterFactory"/> (the host's), or a detached one without it; with
    /// <paramref name="storage"/> bindings are kept in its store too (call <see cref="LoadAsync"/> once at start).
    /// </summary>
    public SipRegistrar(RegistrarOptions options, ISipCredentialSource credentials, TimeProvider time, ILogger<SipRegistrar> log, byte[]? nonceKey = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, RegistrarStorage? storage = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        options.Validate();
        _options = options;
        _credentials = credentials;
        _time = time;
        _log = log;
        Nonces = new DigestNonces(options.Realm, options.NonceLifetime, time, nonceKey);
        _authenticator = new DigestAuthenticator(options.Realm, Nonces, credentials, options.Algorithms);
        _expiry = time.CreateTimer(_ => OnExpiryTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _lockout = new RegisterLockout(options, time);
        Metrics = new RegistrarMetrics(meterFactory);
        _storage = storage;
        if (storage?.RefreshInterval is { } every && every > TimeSpan.Zero)
            _refresh = time.CreateTimer(_ => _ = RefreshAsync(), null, every, every);
    }

    /// <summary>The registrar's counters (auth failures, lockouts, contact moves).</summary>
    public RegistrarMetrics Metrics { get; }

    /// <summary>The lockout state (exposed for tests).</summary>
    public RegisterLockout Lockout => _lockout;

    /// <summary>The nonces this registrar issues (exposed for metrics and tests).</summary>
    public DigestNonces Nonces { get; }

    /// <inheritdoc />
    public event Action<AgentContactChange>? Changed;

    /// <inheritdoc />
    public SipResponse OnRegister(SipRequest register, SipEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(register);
        var user = register.To?.Uri.UserUnescaped;
        if (string.IsNullOrEmpty(user)) return Reply(register, 404, "No user in the address-of-record");
        if (register.Headers.Contains(SipHeaderNames.Contact) && !register.IsContactWildcard && register.Contact.Count == 0)
            return Reply(register, 400, "Bad Contact");

        var verdict = _authenticator.Verify(register);
        var source = remote.EndPoint.Address;
        // During a lockout every answer to credentials, whatever they hold (a right or wrong password, a stale nonce, a
        // replayed or malformed count), is the wrong password's 403: the guesser learns nothing until it ends. Counted,
        // not logged (one line per lockout).
        if (verdict.Username is { } claimed && _lockout.Check(claimed, source) is var locked and not LockScope.None)
        {
            _log.LogDebug("REGISTER for {User} from {Remote} refused: {Scope} locked out", claimed, remote, locked);
            Metrics.AuthFailed("locked");
            return Reply(register, 403, "Forbidden");
        }
        switch (verdict.Outcome)
        {
            case DigestOutcome.Missing:
                return Challenge(register, user, stale: false);
            case DigestOutcome.Unusable:
                _log.LogInformation("REGISTER for {User} from {Remote} challenged again: {Detail}", user, remote, verdict.Detail);
                return Challenge(register, user, stale: false);
            case DigestOutcome.Stale:
                return Challenge(register, user, stale: true);
            case DigestOutcome.Malformed:
                _log.LogInformation("REGISTER for {User} from {Remote} refused: {Detail}", user, remote, verdict.Detail);
                return Reply(register, 400, verdict.Detail);
            case DigestOutcome.Rejected:
                _log.LogWarning("REGISTER for {User} from {Remote} refused: {Detail}", user, remote, verdict.Detail);
                Metrics.AuthFailed("credentials");
                // A name that is no account counts against the source only (its own lock could never show).
                foreach (var lockout in _lockout.Failed(verdict.Username!, source, isAccount: _credentials.Find(verdict.Username!) is not null))
                    LogLockout(lockout, remote);
                return Reply(register, 403, "Forbidden");
        }

        // RFC 3261 §10.3 step 4: an authenticated user may only change its own address-of-record.
        var credential = verdict.Credential!;
        if (!string.Equals(credential.User, user, StringComparison.Ordinal))
        {
            _log.LogWarning("{AuthUser} from {Remote} tried to register {User}'s address-of-record", credential.User, remote, user);
            return Reply(register, 403, "Not allowed to register this address-of-record");
        }
        // The same 403 as a wrong password: from outside, the right one is not confirmed either.
        if (!credential.AllowsSource(source))
        {
            _log.LogWarning("REGISTER for agent {AgentId} ({User}) from {Remote} refused: outside its allowedNetworks ({Networks})",
                credential.AgentId, credential.User, remote, credential.AllowedNetworks);
            Metrics.AuthFailed("network");
            return Reply(register, 403, "Forbidden");
        }
        _lockout.Succeeded(credential.User, source);

        var update = new RegisterUpdate
        {
            CallId = register.CallId!,
            CSeq = register.CSeq!.Value.Number,
            Expires = register.Expires,
            IsWildcard = register.IsContactWildcard,
            Contacts = register.Contact,
            Received = remote,
            UserAgent = register.Headers[SipHeaderNames.UserAgent],
            Node = _storage?.Node,
        };
        RegisterResult result;
        AgentContactChange? change = null;
        IPNetwork? movedFrom = null;
        var now = _time.GetUtcNow();
        // A query (no Contact) changes nothing and is not written or announced.
        var isQuery = update.Contacts.Count == 0 && !update.IsWildcard;
        lock (_writeGate)
        {
            IReadOnlyList<RegistrationBinding> before;
            lock (_gate) before = Live(credential.AgentId, now);
            var current = before;
            if (_storage is { } storage)
            {
                // The store is the truth (another node may have taken this agent's last REGISTER): RFC 3261 §10.3 steps 6-7
                // apply to its bindings.
                try
                {
                    current = Wait(storage, ct => storage.Store.FindAsync(credential.AgentId, now, ct)).Select(r => r.Binding).ToArray();
                }
                catch (Exception ex) when (IsStoreFailure(ex))
                {
                    return StoreFailed(register, "read", credential.AgentId, remote, ex);
                }
            }
            result = update.ApplyTo(current, _options, now);
            if (result.IsSuccess)
            {
                if (_storage is { } writeTo && !isQuery)
                {
                    // Written before the 200: never a 200 for a binding that was not kept.
                    try
                    {
                        Wait(writeTo, async ct =>
                        {
                            await writeTo.Store.ReplaceAsync(credential.AgentId, credential.User, result.Bindings, ct).ConfigureAwait(false);
                            return true;
                        });
                    }
                    catch (Exception ex) when (IsStoreFailure(ex))
                    {
                        return StoreFailed(register, "write", credential.AgentId, remote, ex);
                    }
                }
                lock (_gate)
                {
                    if (result.Bindings.Count == 0) _byAgent.Remove(credential.AgentId);
                    else _byAgent[credential.AgentId] = new Aor(credential.User, result.Bindings);
                    if (!isQuery) _writtenAt[credential.AgentId] = Interlocked.Increment(ref _writes);
                    change = isQuery ? null : Describe(credential.AgentId, before, result.Bindings);
                    movedFrom = MovedFrom(before, result.Bindings, remote);
                    RearmLocked(now);
                }
            }
        }

        if (!result.IsSuccess)
        {
            _log.LogInformation("REGISTER for {User} from {Remote} refused with {Status}: {Reason}", user, remote, result.StatusCode, result.Reason);
            var failure = Reply(register, result.StatusCode, result.Reason);
            if (result.MinExpires is { } min)
                failure.Headers.Add(SipHeaderNames.MinExpires, ((long)min.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            return failure;
        }

        var ok = Reply(register, 200, null);
        foreach (var b in result.Bindings)
        {
            var remaining = Math.Max(0, (long)Math.Ceiling((b.Expires - now).TotalSeconds));
            var value = "<" + b.Contact + ">;expires=" + remaining.ToString(CultureInfo.InvariantCulture);
            if (b.Q is not null) value += ";q=" + b.Q;
            ok.Headers.Add(SipHeaderNames.Contact, value);
        }
        // RFC 3261 §10.3 step 8: a Date header lets a user agent without a clock learn the time.
        ok.Headers.Add(SipHeaderNames.Date, now.ToString("r", CultureInfo.InvariantCulture));
        if (movedFrom is { } old)
        {
            _log.LogWarning("Agent {AgentId} contact moved: network {Old} → {New} (REGISTER from {Remote})", credential.AgentId, old, NetworkOf(source), remote);
            Metrics.ContactMoved();
        }
        if (change is not null)
        {
            if (change.Current?.NextHop is { } flow)
            {
                _log.LogInformation("Agent {AgentId} {Kind}: {Contact}, behind NAT: reached at {Flow}", change.AgentId,
                    change.Kind.ToString().ToLowerInvariant(), change.Current.Uri.ToString(), flow);
            }
            else
            {
                _log.LogInformation("Agent {AgentId} {Kind}: {Contact}", change.AgentId, change.Kind.ToString().ToLowerInvariant(),
                    change.Current?.Uri.ToString() ?? "no contact left");
            }
            Raise(change);
        }
        return ok;
    }

    /// <inheritdoc />
    public AgentContact? Find(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        var now = _time.GetUtcNow();
        lock (_gate) return Best(agentId, Live(agentId, now));
    }

    /// <inheritdoc />
    public IReadOnlyList<AgentContact> All()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return _byAgent.Keys.Select(id => Best(id, Live(id, now))).OfType<AgentContact>().ToArray();
        }
    }

    /// <inheritdoc />
    public SipEndPoint? NextHopFor(SipUri contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var aor in _byAgent.Values)
            {
                foreach (var b in aor.Bindings)
                {
                    if (b.Expires > now && b.Contact.EqualsRfc(contact)) return NextHop(b);
                }
            }
        }
        return null;
    }

    /// <summary>The agent's live bindings (for the status page and tests).</summary>
    public IReadOnlyList<RegistrationBinding> Bindings(string agentId)
    {
        var now = _time.GetUtcNow();
        lock (_gate) return Live(agentId, now);
    }

    /// <summary>
    /// Reads every live binding from the store into memory (at start, and then every <see cref="RegistrarStorage.RefreshInterval"/>
    /// to learn what other nodes took) and announces what changed; false when the store could not be read (logged and
    /// counted; what is in memory stays). Agents this node registered after the read began are left as they are.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_storage is not { } storage) return true;
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return true;
        try
        {
            var startedAt = Interlocked.Read(ref _writes);
            IReadOnlyList<StoredRegistration> rows;
            try
            {
                rows = await storage.Store.LiveAsync(_time.GetUtcNow(), cancellationToken).WaitAsync(storage.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStoreFailure(ex))
            {
                Metrics.StoreFailed("refresh");
                // One line per outage, not one per refresh.
                if (!_refreshFailing) _log.LogError("Registrar: reading the registration store failed ({Reason}); bindings other nodes took are not learnt until it answers", ex.Message);
                _refreshFailing = true;
                return false;
            }
            if (_refreshFailing) _log.LogInformation("Registrar: the registration store answers again");
            _refreshFailing = false;
            var stored = rows.GroupBy(r => r.AgentId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Aor(g.First().User, g.Select(r => r.Binding).ToArray()), StringComparer.Ordinal);
            var changes = new List<AgentContactChange>();
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                foreach (var agentId in _byAgent.Keys.Union(stored.Keys).ToArray())
                {
                    if (_writtenAt.TryGetValue(agentId, out var written) && written > startedAt) continue;
                    var before = Live(agentId, now);
                    var after = stored.TryGetValue(agentId, out var aor) ? aor.Bindings.Where(b => b.Expires > now).ToArray() : [];
                    if (before.Count == after.Length && before.All(b => after.Any(b.SameAs))) continue;
                    if (after.Length == 0) _byAgent.Remove(agentId);
                    else _byAgent[agentId] = aor! with { Bindings = after };
                    if (Describe(agentId, before, after) is { } change) changes.Add(change);
                }
                foreach (var agentId in _writtenAt.Where(w => w.Value <= startedAt).Select(w => w.Key).ToArray()) _writtenAt.Remove(agentId);
                RearmLocked(now);
            }
            foreach (var change in changes)
            {
                _log.LogInformation("Agent {AgentId} {Kind} (registration store, taken by {Node}): {Contact}", change.AgentId,
                    change.Kind.ToString().ToLowerInvariant(), NodeOf(change.AgentId), change.Current?.Uri.ToString() ?? "no contact left");
                Raise(change);
            }
            return true;
        }
        finally
        {
            Interlocked.Exchange(ref _refreshing, 0);
        }
    }

    /// <summary>Loads the live bindings of the store at start; logs how many and which nodes took them (or why none).</summary>
    public async Task<bool> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_storage is null) return true;
        if (!await RefreshAsync(cancellationToken).ConfigureAwait(false))
        {
            Metrics.StoreFailed("load");
            return false;
        }
        IReadOnlyList<RegistrationBinding> all;
        lock (_gate) all = _byAgent.Values.SelectMany(a => a.Bindings).ToArray();
        _log.LogInformation("Registrar: {Bindings} live registrations of {Agents} agents loaded from the registration store (taken by {Nodes})",
            all.Count, All().Count, all.Count == 0 ? "-" : string.Join(", ", all.Select(b => b.Node ?? "?").Distinct()));
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _refresh?.Dispose();
        _expiry.Dispose();
        Metrics.Dispose();
    }

    private void LogLockout(Lockout lockout, SipEndPoint remote)
    {
        var length = lockout.Length;
        if (lockout.Scope == LockScope.Source)
        {
            _log.LogWarning("Registrar: source {Source} locked out for {Length} after {Failures} failed REGISTER authentications (lockout {Level}; last as {User} from {Remote})",
                SourceNetworks.Display(lockout.Source), length, _options.MaxAuthFailures, lockout.Level, lockout.User, remote);
        }
        else
        {
            _log.LogWarning("Registrar: user {User} locked out for {Length} after {Failures} failed REGISTER authentications (lockout {Level}; last from {Remote}); addresses it registered from stay allowed",
                lockout.User, length, _options.MaxAuthFailures, lockout.Level, remote);
        }
        Metrics.LockedOut(lockout.Scope);
    }

    // The network the agent's newest other binding came from, when this REGISTER adds or refreshes a contact from
    // another one (a phone that changed networks, or someone else holding its password); null otherwise.
    private static IPNetwork? MovedFrom(IReadOnlyList<RegistrationBinding> before, IReadOnlyList<RegistrationBinding> after, SipEndPoint remote)
    {
        if (before.Count == 0 || !after.Any(b => b.Received == remote)) return null;
        var now = NetworkOf(remote.EndPoint.Address);
        if (before.Any(b => NetworkOf(b.Received.EndPoint.Address) == now)) return null;
        return NetworkOf(before.MaxBy(b => b.Registered)!.Received.EndPoint.Address);
    }

    // A source's network: its /24 (IPv4) or /64 (IPv6), so a phone changing port or address within its LAN is not a move.
    private static IPNetwork NetworkOf(IPAddress address) => SourceNetworks.Of(address, ipv4Prefix: 24);

    private SipResponse Challenge(SipRequest register, string user, bool stale)
    {
        var response = Reply(register, 401, null);
        foreach (var value in _authenticator.Challenges(user, stale)) response.Headers.Add(SipHeaderNames.WwwAuthenticate, value);
        return response;
    }

    // A store that cannot keep the binding: 500, never a 200 for a binding that was not kept; the phone retries.
    private SipResponse StoreFailed(SipRequest register, string operation, string agentId, SipEndPoint remote, Exception ex)
    {
        Metrics.StoreFailed(operation);
        _log.LogError("REGISTER for agent {AgentId} from {Remote} answered 500: the registration store failed to {Operation} ({Reason})",
            agentId, remote, operation, ex.Message);
        return Reply(register, 500, "Registration store unavailable");
    }

    private static T Wait<T>(RegistrarStorage storage, Func<CancellationToken, Task<T>> operation)
    {
        using var cancel = new CancellationTokenSource(storage.Timeout);
        return operation(cancel.Token).WaitAsync(storage.Timeout).GetAwaiter().GetResult();
    }

    private static bool IsStoreFailure(Exception ex) => ex is RegistrationStoreException or TimeoutException or OperationCanceledException;

    private string NodeOf(string agentId)
    {
        lock (_gate) return _byAgent.TryGetValue(agentId, out var aor) ? string.Join(", ", aor.Bindings.Select(b => b.Node ?? "?").Distinct()) : "-";
    }

    private static SipResponse Reply(SipRequest request, int status, string? reason) =>
        SipResponse.CreateFor(request, status, reason, SipIds.NewTag());

    private IReadOnlyList<RegistrationBinding> Live(string agentId, DateTimeOffset now) =>
        _byAgent.TryGetValue(agentId, out var aor) ? aor.Bindings.Where(b => b.Expires > now).ToArray() : [];

    private AgentContact? Best(string agentId, IReadOnlyList<RegistrationBinding> bindings)
    {
        if (bindings.Count == 0 || !_byAgent.TryGetValue(agentId, out var aor)) return null;
        var best = bindings.OrderByDescending(b => b.Priority).ThenByDescending(b => b.Registered).First();
        return new AgentContact
        {
            AgentId = agentId,
            User = aor.User,
            Uri = best.Contact,
            Transport = TransportOf(best),
            Received = best.Received,
            NextHop = NextHop(best),
            Expires = best.Expires,
            UserAgent = best.UserAgent,
        };
    }

    // A phone behind NAT registers a private contact from its public (mapped) address: requests go to that address,
    // the way responses go to received/rport (RFC 3581). A phone registered over TCP or TLS is reached over the connection it
    // keeps open (phones seldom accept incoming TCP, and a NAT never does), as RFC 5626 does with its flows.
    private SipEndPoint? NextHop(RegistrationBinding binding) =>
        (TransportOf(binding) != SipProtocol.Udp && binding.Received.Protocol == TransportOf(binding))
        || _options.NatNetworks.IsBehindNat(binding.Contact.Host, binding.Received.EndPoint.Address)
            ? binding.Received
            : null;

    // The contact's transport parameter, else the one the REGISTER came over.
    private static SipProtocol TransportOf(RegistrationBinding binding) => binding.Contact.TransportOr(binding.Received.Protocol);

    private AgentContactChange? Describe(string agentId, IReadOnlyList<RegistrationBinding> before, IReadOnlyList<RegistrationBinding> after)
    {
        var added = after.Any(a => !before.Any(b => b.Contact.EqualsRfc(a.Contact)));
        var removed = before.Any(b => !after.Any(a => a.Contact.EqualsRfc(b.Contact)));
        if (!added && !removed && after.Count == 0) return null;
        var kind = added ? AgentContactChangeKind.Registered : removed ? AgentContactChangeKind.Unregistered : AgentContactChangeKind.Refreshed;
        return new AgentContactChange(agentId, kind, Best(agentId, after));
    }

    private void OnExpiryTimer()
    {
        var changes = new List<AgentContactChange>();
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var (agentId, aor) in _byAgent.ToArray())
            {
                var live = aor.Bindings.Where(b => b.Expires > now).ToArray();
                if (live.Length == aor.Bindings.Count) continue;
                if (live.Length == 0) _byAgent.Remove(agentId);
                else _byAgent[agentId] = aor with { Bindings = live };
                changes.Add(new AgentContactChange(agentId, AgentContactChangeKind.Expired, Best(agentId, live)));
            }
            RearmLocked(now);
        }
        foreach (var change in changes)
        {
            _log.LogInformation("Agent {AgentId} registration expired; now {Contact}", change.AgentId, change.Current?.Uri.ToString() ?? "no contact left");
            Raise(change);
        }
        if (changes.Count > 0 && _storage is { } storage) _ = RemoveExpiredAsync(storage);
    }

    // Housekeeping only: an expired row is never read back, so a failure here loses nothing.
    private async Task RemoveExpiredAsync(RegistrarStorage storage)
    {
        try
        {
            await storage.Store.RemoveExpiredAsync(_time.GetUtcNow()).WaitAsync(storage.Timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            Metrics.StoreFailed("expire");
            _log.LogWarning("Registrar: removing expired registrations from the store failed ({Reason}); they are never used", ex.Message);
        }
    }

    // One timer for the whole table, due at the earliest expiry.
    private void RearmLocked(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var aor in _byAgent.Values)
        {
            foreach (var b in aor.Bindings)
            {
                if (next is null || b.Expires < next) next = b.Expires;
            }
        }
        var due = next is { } at ? (at > now ? at - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        _expiry.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Raise(AgentContactChange change)
    {
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<AgentContactChange>)handler)(change);
            }
            catch (Exception ex)
            {
                // A failing subscriber must not break registration or the other subscribers.
                _log.LogError(ex, "A registration change handler failed for agent {AgentId}", change.AgentId);
            }
        }
    }

    private sealed record Aor(string User, IReadOnlyList<RegistrationBinding> Bindings);
}
