using Akka.Actor;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Registrar;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// One per node at <see cref="ClusterRouting.PeerPath"/>: greets the cluster's router every few seconds with the incarnation
/// it last re-announced to; when a new incarnation starts (first start, node lost, handoff) it has the node's live calls and
/// callback attempts re-announce themselves and sends every registration of the node's registrar. It also keeps the node's
/// <see cref="RouterStatus"/> as the router publishes it, whichever node hosts the router.
/// </summary>
public sealed class ClusterRouterPeer : ReceiveActor, IWithTimers
{
    private const string HelloTimer = "hello";
    private readonly ClusterRouterPeerSettings _settings;
    private readonly ILogger _log;
    private Action<AgentContactChange>? _onChange;
    private Guid? _incarnation;

    /// <summary>Registers the handlers.</summary>
    public ClusterRouterPeer(ClusterRouterPeerSettings settings)
    {
        _settings = settings;
        _log = settings.Logging.CreateLogger<ClusterRouterPeer>();
        Receive<HelloDue>(_ => Hello());
        Receive<RouterIncarnation>(OnIncarnation);
        Receive<RouterSnapshot>(m => _settings.Status.Publish(m.Skills));
        Receive<AgentContactChange>(m => Announce(m.AgentId, m.Current));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of a node's peer.</summary>
    public static Props Props(ClusterRouterPeerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Actor.Props.Create(() => new ClusterRouterPeer(settings));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        if (_settings.Contacts is { } contacts)
        {
            var self = Self;
            _onChange = change => self.Tell(change);
            contacts.Changed += _onChange;
        }
        Hello();
        Timers.StartPeriodicTimer(HelloTimer, HelloDue.Instance, _settings.HelloInterval);
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_settings.Contacts is { } contacts && _onChange is not null) contacts.Changed -= _onChange;
        base.PostStop();
    }

    private void Hello() => _settings.Router.Tell(new RouterPeerHello(Self, _incarnation));

    private void OnIncarnation(RouterIncarnation m)
    {
        if (m.Id == _incarnation) return;
        _incarnation = m.Id;
        var registrations = _settings.Contacts?.All() ?? [];
        _log.LogInformation("Router incarnation {Incarnation}: re-announcing this node's calls, callback attempts and {Registrations} registrations",
            m.Id, registrations.Count);
        _settings.Calls.Tell(m);
        _settings.Dialer?.Tell(m);
        foreach (var contact in registrations) Announce(contact.AgentId, contact);
        Hello();
    }

    private void Announce(string agentId, AgentContact? current) =>
        _settings.Router.Tell(new AgentContactAnnounced(agentId, _settings.Node, current?.Uri.ToString(), _settings.Time.GetUtcNow()));

    private sealed record HelloDue
    {
        public static HelloDue Instance { get; } = new();
    }
}
