using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Routing.Live;

/// <summary>
/// The router as the cluster's one sharded entity: each start is a new incarnation with an empty state, so it tells every
/// member's router peer (<see cref="RouterIncarnation"/>), and the live calls, callback attempts and registrations of each
/// node re-announce themselves with their original facts. For a short rebuild window it decides nothing, so a caller
/// re-announced late from a slower node still gets its place back before anyone behind it is served. Agents registered on
/// any node are kept per node (<see cref="AgentContactAnnounced"/>), and the status goes to every node.
/// </summary>
public sealed partial class SkillRouter
{
    private const string SnapshotTimer = "cluster-snapshot";
    private const string RebuildTimer = "cluster-rebuild";
    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly Dictionary<Address, IActorRef> _peers = [];
    private readonly Dictionary<string, Dictionary<string, (string Contact, DateTimeOffset At)>> _announcedContacts = new(StringComparer.Ordinal);
    private IReadOnlyList<SkillStatus>? _unsentSnapshot;
    private bool _snapshotDue;
    private bool _rebuilding;

    // Re-announced callback attempts (callback id → the attempt actor on its node), watched.
    private readonly Dictionary<long, IActorRef> _attempts = [];

    private void ClusterHandlers()
    {
        // Re-announcements are understood by any router (a test drives them without a cluster); the rest is the cluster's.
        Receive<AgentTalking>(OnAgentTalking);
        Receive<CallbackAttemptLive>(OnCallbackAttemptLive);
        Receive<AgentContactAnnounced>(OnContactAnnounced);
        Receive<LeaseAdopted>(m =>
        {
            if (m.Adopted) _log.LogInformation("Callback {Id}'s lease adopted from {Owner}", m.CallbackId, m.PreviousOwner);
            else _log.LogWarning("Callback {Id}'s lease was no longer {Owner}'s: not adopted", m.CallbackId, m.PreviousOwner);
        });
        if (_settings.Cluster is null) return;
        _rebuilding = true;
        Receive<RouterPeerHello>(OnPeerHello);
        Receive<RebuildEnded>(_ => EndRebuild());
        Receive<SnapshotDue>(_ =>
        {
            _changedNothing = true;
            SendSnapshot();
        });
        // A node that drains stops its own dialling; the cluster's router dials on (it moves off a node that leaves).
        Receive<StopDiallingCallbacks>(
            _ => _log.LogInformation("Node {Node} drains: callbacks go on being dialled from the router's node", Sender.Path.Address),
            _ => !Sender.Path.Address.HasLocalScope);
    }

    /// <summary>Tells every member this incarnation started, so each node re-announces what is alive there.</summary>
    private void AnnounceIncarnation()
    {
        if (_settings.Cluster is not { } cluster) return;
        Timers.StartSingleTimer(RebuildTimer, RebuildEnded.Instance, cluster.RebuildWindow);
        var members = Akka.Cluster.Cluster.Get(Context.System).State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .ToList();
        _log.LogInformation("Router incarnation {Incarnation} started on {Node}: {Members} members asked to re-announce; no decision for {Window}",
            _incarnation, Akka.Cluster.Cluster.Get(Context.System).SelfAddress, members.Count, cluster.RebuildWindow);
        foreach (var member in members)
            Context.ActorSelection(member.Address + cluster.PeerPath).Tell(new RouterIncarnation(_incarnation));
    }

    private void EndRebuild()
    {
        _rebuilding = false;
        _log.LogInformation("Router incarnation {Incarnation} rebuilt: {Waiting} waiting, {Talks} talking, {Dialling} callbacks in flight",
            _incarnation, _waiters.Count(w => w.Value.AgentId is null), _talks.Count, _dialling.Count);
        foreach (var skill in _lines.Keys.ToList()) Dispatch(skill);
    }

    private void OnPeerHello(RouterPeerHello m)
    {
        var address = m.Peer.Path.Address;
        var isNew = !_peers.ContainsKey(address);
        if (isNew)
        {
            _peers[address] = m.Peer;
            Context.Watch(m.Peer);
            if (_unsentSnapshot is { } snapshot && !address.HasLocalScope) m.Peer.Tell(new RouterSnapshot(snapshot));
        }
        if (m.Incarnation != _incarnation) m.Peer.Tell(new RouterIncarnation(_incarnation));
        _changedNothing = true;
    }

    /// <summary>A peer that stopped (its node left or was downed): no more status for it, and its registrations lapse.</summary>
    private bool ForgetPeer(IActorRef actor)
    {
        var address = actor.Path.Address;
        if (!_peers.TryGetValue(address, out var peer) || !peer.Equals(actor)) return false;
        _peers.Remove(address);
        var node = address.ToString();
        foreach (var byNode in _announcedContacts.Values) byNode.Remove(node);
        _log.LogInformation("Router peer on {Node} is gone: its registrations are forgotten", node);
        return true;
    }

    /// <summary>A call re-announces its place (or the agent it rings) to this incarnation, keeping its original entry time.</summary>
    private void OnRejoin(EnqueueCaller m)
    {
        if (_waiters.ContainsKey(m.CallId) || _talks.ContainsKey(m.CallId))
        {
            _changedNothing = true;
            return;
        }
        var now = Now;
        var line = Line(m.Skill);
        var place = new QueuedCaller(m.CallId, LinePriority(m.Priority), m.EnteredAt!.Value) { Prefer = Preference(m, now) };
        var waiter = new Waiter(m.CallId, Sender, m.Skill, place, m.Offer is null ? null : new OfferPolicy(m.Offer));
        _waiters[m.CallId] = waiter;
        WatchCall(m.CallId);
        if (m.RingingAgent is { } agentId && Claim(agentId, AgentState.Ringing))
        {
            waiter.AgentId = agentId;
            waiter.RingStartedAt = now;
            _log.LogInformation("Call {CallId} re-announced: ringing agent {Agent} for {Skill}", m.CallId, agentId, m.Skill);
            return;
        }
        var queue = _selector.Queue(m.Skill);
        queue.Enqueue(place);
        waiter.Estimates = Estimate(line, queue.PositionOf(m.CallId) ?? 0);
        _log.LogInformation("Call {CallId} re-announced its place in {Skill} (entered {EnteredAt:o}): position {Position}",
            m.CallId, m.Skill, m.EnteredAt, (queue.PositionOf(m.CallId) ?? 0) + 1);
        Dispatch(m.Skill);
    }

    private void OnAgentTalking(AgentTalking m)
    {
        if (_talks.ContainsKey(m.CallId) || !Claim(m.AgentId, AgentState.Talking)) return;
        Line(m.Skill);
        _waiters.Remove(m.CallId);
        _talks[m.CallId] = new Talk(m.AgentId, m.Skill, m.Since);
        WatchCall(m.CallId);
        _log.LogInformation("Call {CallId} re-announced: talking to agent {Agent} since {Since:o}", m.CallId, m.AgentId, m.Since);
    }

    private void OnCallbackAttemptLive(CallbackAttemptLive m)
    {
        var id = m.Callback.Id;
        if (_dialling.ContainsKey(id) || !Claim(m.AgentId, m.BridgedAt is null ? AgentState.Ringing : AgentState.Talking)) return;
        var skill = m.Callback.Skill;
        Line(skill);
        _selector.Queue(skill).TryRemove(CallbackPrefix + id.ToString(CultureInfo.InvariantCulture), out _);
        _dialling[id] = new Dialling(m.AgentId, skill);
        if (m.BridgedAt is { } bridged)
        {
            _callbackTalks[id] = new Talk(m.AgentId, skill, bridged);
            var servedAfter = _settings.Stores?.Retry.ServedAfter ?? Callbacks.CallbackRetryPolicy.Default.ServedAfter;
            var left = bridged + servedAfter - Now;
            Timers.StartSingleTimer(TalkTimer(id), new CallbackTalkLasted(id), left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        _log.LogInformation("Callback {Id} re-announced: agent {Agent} {State}", id, m.AgentId, m.BridgedAt is null ? "ringing" : "talking");
        // The attempt lives on its node: if that node goes away its end is never reported, so it is watched.
        _attempts[id] = Sender;
        Context.Watch(Sender);
        // The lease becomes this router's node's, so its renewals and the outcome it records match the row.
        if (_callbacks is { } store && _settings.Stores is { } stores && m.Callback.LeaseOwner != stores.Lease.Owner)
            store.AdoptLeaseAsync(id, m.Callback.LeaseOwner, Now + stores.Lease.Length).PipeTo(Self,
                success: adopted => new LeaseAdopted(id, m.Callback.LeaseOwner, adopted),
                failure: ex => new StoreFailed($"adopting callback {id}'s lease", ex));
    }

    // A watched re-announced attempt stopped: if it never reported its end (its node went away), the dial is taken as
    // finished — served if its bridged talk had lasted ServedAfter, else no answer (retried) — and its agent released.
    private bool OnAttemptTerminated(IActorRef attempt)
    {
        var found = _attempts.Where(a => a.Value.Equals(attempt)).Select(a => (long?)a.Key).FirstOrDefault();
        if (found is not { } id || !_attempts.Remove(id)) return false;
        if (!_dialling.TryGetValue(id, out var dialling)) return true;
        var servedAfter = _settings.Stores?.Retry.ServedAfter ?? Callbacks.CallbackRetryPolicy.Default.ServedAfter;
        var served = _callbackTalks.TryGetValue(id, out var talk) && Now - talk.StartedAt >= servedAfter;
        _log.LogWarning("Callback {Id}'s attempt stopped without reporting its end (its node left): taken as {Result}",
            id, served ? "served" : "not answered");
        OnDialFinished(new CallbackDialFinished(id, dialling.AgentId,
            served ? Callbacks.CallbackAttemptResult.Connected : Callbacks.CallbackAttemptResult.NoAnswer, AgentMissed: false));
        return true;
    }

    private sealed record LeaseAdopted(long CallbackId, string? PreviousOwner, bool Adopted);

    /// <summary>
    /// Takes <paramref name="agentId"/> for a call another incarnation gave it, in <paramref name="state"/>; false (and the
    /// agent untouched) when it is unknown or already holds as many calls as it may.
    /// </summary>
    private bool Claim(string agentId, AgentState state)
    {
        if (!_agents.ContainsKey(agentId))
        {
            _log.LogWarning("Re-announced agent {Agent} is not in the agents file", agentId);
            return false;
        }
        var now = Now;
        if (!_pool.IsAvailable(agentId))
        {
            if (_pool.ActiveCalls(agentId) >= _pool.Definition(agentId).MaxConcurrent)
            {
                _log.LogWarning("Re-announced agent {Agent} already holds {Calls} calls: not claimed again", agentId, _pool.ActiveCalls(agentId));
                return false;
            }
            // Busy with a call: available for its capacity (ready agents are indexed, others are not).
            _pool.SetState(agentId, AgentState.Talking, now);
        }
        _pool.Reserve(agentId, now);
        _pool.SetState(agentId, state, now);
        return true;
    }

    private void WatchCall(string callId)
    {
        if (_callActors.ContainsKey(Sender) || Sender.IsNobody()) return;
        _callActors[Sender] = callId;
        Context.Watch(Sender);
    }

    private void OnContactAnnounced(AgentContactAnnounced m)
    {
        if (!_announcedContacts.TryGetValue(m.AgentId, out var byNode))
            _announcedContacts[m.AgentId] = byNode = new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        if (m.Contact is null) byNode.Remove(m.Node);
        else byNode[m.Node] = (m.Contact, m.RegisteredAt);
        _log.LogInformation("Agent {Agent} {What} on {Node}", m.AgentId, m.Contact is null ? "unregistered" : "registered at " + m.Contact, m.Node);
        _changedNothing = true;
    }

    /// <summary>The most recent registration any node announced for <paramref name="agentId"/>, null when none.</summary>
    private string? AnnouncedContact(string agentId)
    {
        if (!_announcedContacts.TryGetValue(agentId, out var byNode) || byNode.Count == 0) return null;
        return byNode.Values.MaxBy(c => c.At).Contact;
    }

    /// <summary>Sends the status to every other node at most once per <see cref="RouterClusterSettings.SnapshotInterval"/>.</summary>
    private void PublishToPeers(IReadOnlyList<SkillStatus> snapshot)
    {
        if (_settings.Cluster is not { } cluster) return;
        _unsentSnapshot = snapshot;
        if (_snapshotDue) return;
        _snapshotDue = true;
        Timers.StartSingleTimer(SnapshotTimer, SnapshotDue.Instance, cluster.SnapshotInterval);
    }

    private void SendSnapshot()
    {
        _snapshotDue = false;
        if (_unsentSnapshot is not { } snapshot) return;
        var message = new RouterSnapshot(snapshot);
        foreach (var (address, peer) in _peers)
            if (!address.HasLocalScope) peer.Tell(message);
    }

    private sealed record RebuildEnded
    {
        public static RebuildEnded Instance { get; } = new();
    }

    private sealed record SnapshotDue
    {
        public static SnapshotDue Instance { get; } = new();
    }
}
