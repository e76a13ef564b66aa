using Akka.Actor;
using Akka.Hosting;
using Ivr.Engine.Calls;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Starts the SIP stack once the actor system runs, and on shutdown drains: new INVITEs get 503 while live calls finish
/// (bounded by <see cref="CallsOptions.DrainTimeout"/>), then the transports close. Registered after Akka, so it stops first.
/// <c>serve</c> drains earlier, on the signal (<see cref="DrainOnSignalLifetime"/>), while the HTTP server still answers.
/// </summary>
public sealed class SipStackService : IHostedService
{
    private readonly EngineOptions _options;
    private readonly ISipStackFactory _stackFactory;
    private readonly IMediaSessionFactory _mediaFactory;
    private readonly ActorRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILogger<SipStackService> _log;
    private ISipStack? _stack;
    private IActorRef? _manager;
    private readonly Lock _gate = new();
    private Task? _stopping;
    private volatile Task? _draining;
    private volatile bool _ready;

    /// <summary>Creates the service.</summary>
    public SipStackService(EngineOptions options, ISipStackFactory stackFactory, IMediaSessionFactory mediaFactory, ActorRegistry registry, IServiceProvider services, ILogger<SipStackService> log)
    {
        _services = services;
        _options = options;
        _stackFactory = stackFactory;
        _mediaFactory = mediaFactory;
        _registry = registry;
        _log = log;
    }

    /// <summary>True while the stack runs and the node takes new calls.</summary>
    public bool IsReady => _ready;

    /// <summary>The UAC side of the running stack (agent legs, callbacks), null until started.</summary>
    public ISipUserAgent? UserAgent => _stack?.UserAgent;

    /// <summary>Where the engine's SIP stack listens (empty before it started).</summary>
    public IReadOnlyList<Sip.Transport.SipEndPoint> LocalEndPoints => _stack?.LocalEndPoints ?? [];

    /// <summary>The call manager, once started.</summary>
    public IActorRef? Manager => _manager;

    /// <summary>The running stack's counters (requests, responses, retransmissions…), null before start or with a plugged stack.</summary>
    public SipStackCounters? SipCounters => (_stack?.UserAgent as SipStack)?.Counters;

    /// <summary>The running stack's per-source limits and bans, null before start or with a plugged stack.</summary>
    public SipSourceGuard? SourceGuard => (_stack?.UserAgent as SipStack)?.Sources;

    /// <summary>Where SIP listens, empty before start.</summary>
    public IReadOnlyList<string> EndPoints => _stack?.LocalEndPoints.Select(e => e.ToString()).ToArray() ?? [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_mediaFactory.Unavailable is { } why)
        {
            throw new InvalidOperationException("Calls could not be answered. " + why);
        }

        _manager = await _registry.GetAsync<CallManager>(cancellationToken).ConfigureAwait(false);
        // Clustered, a drain (signal or POST /api/drain: both close the intake) hands the router off at once, not at exit. The
        // handler only tells the gateway (it cannot throw on the manager's thread); subscribed first, then a drain that began
        // before the subscription is handed off here (the gateway ignores a second ask).
        if (_options.Cluster.Enabled && _services.GetService<CallIntake>() is { } intake
            && _registry.TryGet<Routing.Live.SkillRouter>(out var gateway))
        {
            intake.Closed += () => gateway.Tell(HandOffRouter.Instance);
            if (!intake.IsOpen) gateway.Tell(HandOffRouter.Instance);
        }
        // A signal that arrived while the host was starting has already "drained" nothing and stopping is under way:
        // opening the SIP ports now would take calls that the stop then cuts without a drain.
        if (IsDraining)
        {
            _log.LogInformation("Stop requested during start-up: SIP not started");
            return;
        }
        var stackOptions = SipStackOptions.From(_options.Sip);
        _stack = await _stackFactory.StartAsync(stackOptions, _services.GetRequiredService<IIncomingCallHandler>(), cancellationToken).ConfigureAwait(false);
        foreach (var endPoint in _stack.LocalEndPoints) _log.LogInformation("SIP listening on {EndPoint}", endPoint);
        _ready = true;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // The host may ask twice (Ctrl-C and the command's own cancellation): drain and close once.
        lock (_gate)
        {
            return _stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Begins the drain (new INVITEs get 503, <c>/readyz</c> says <c>draining</c>) and completes when the live calls have
    /// ended or were hung up after <see cref="CallsOptions.DrainTimeout"/>. The stack keeps running; once only.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_draining is null)
            {
                _draining = DrainCoreAsync(cancellationToken);
                // Not ready only once draining is visible: /readyz between the two must say "draining", never "not ready".
                _ready = false;
            }
            return _draining;
        }
    }

    /// <summary>True once a drain has begun.</summary>
    public bool IsDraining => _draining is not null;

    /// <summary>Hangs up the live calls now (a second Ctrl-C during a drain); the drain then completes.</summary>
    public void EndCallsNow()
    {
        if (_manager is null) return;
        _log.LogWarning("Hanging up the live calls now");
        _manager.Tell(new Drain(TimeSpan.Zero));
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        if (_stack is not null)
        {
            await _stack.DisposeAsync().ConfigureAwait(false);
            _stack = null;
        }
    }

    private async Task DrainCoreAsync(CancellationToken cancellationToken)
    {
        if (_manager is null) return;
        _log.LogInformation("Draining: new calls get 503, live calls have up to {Timeout} to finish", _options.Calls.DrainTimeout);
        try
        {
            var bound = _options.Calls.DrainTimeout + TimeSpan.FromSeconds(10);
            var drained = _manager.Ask<DrainCompleted>(new Drain(_options.Calls.DrainTimeout), bound, cancellationToken);
            // A node the cluster downed has its actor system shut down under it (its calls ended with their actors): nobody
            // will answer the drain, so do not wait for it.
            var terminated = _services.GetService<ActorSystem>()?.WhenTerminated ?? Task.Delay(Timeout.Infinite, CancellationToken.None);
            if (await Task.WhenAny(drained, terminated).ConfigureAwait(false) != drained)
            {
                _log.LogWarning("Drain skipped: the actor system has shut down (this node was downed), its calls have ended");
                return;
            }
            var done = await drained.ConfigureAwait(false);
            _log.LogInformation("Drained ({Remaining} calls left, timed out: {TimedOut})", done.Remaining, done.TimedOut);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            _log.LogWarning("Drain did not complete in time");
        }
    }
}
