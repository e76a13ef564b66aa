using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Sip.Stack;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Routing.Live;

/// <summary>What the <see cref="CallbackDialer"/> needs.</summary>
/// <param name="Outbound">Places the customer and agent legs.</param>
/// <param name="Prompts">Prompt audio ("this is your callback…", hold music while the agent rings).</param>
/// <param name="Trunk">SIP URI template of the outbound proxy or trunk; <c>{number}</c> is the E.164 number without '+'.</param>
public sealed record CallbackDialerSettings(OutboundDialer Outbound, IPromptClipProvider Prompts, string Trunk)
{
    /// <summary>How long the customer's phone rings.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What the customer hears on answering, before the agent is rung, when their language has no greeting (rendered from <c>sounds/engine-prompts.json</c>).</summary>
    public ResolvedPrompt Greeting { get; init; } = new("callback-greeting", "en-US", "en-US/callback_greeting.wav",
        "Hello, this is your callback. Please hold while we connect you to an agent.");

    /// <summary>The greeting in each language a caller may have booked in (the hotline's; rendered from <c>sounds/engine-prompts.json</c>).</summary>
    public IReadOnlyDictionary<string, ResolvedPrompt> Greetings { get; init; } = new Dictionary<string, ResolvedPrompt>(StringComparer.OrdinalIgnoreCase)
    {
        ["fr-FR"] = new("callback-greeting", "fr-FR", "fr-FR/callback_greeting.wav",
            "Bonjour, ici votre rappel. Veuillez patienter, nous vous mettons en relation avec un conseiller."),
    };

    /// <summary>
    /// The greeting for a caller who booked in <paramref name="language"/>: that language's, else one of the same language
    /// (<c>fr</c> or <c>fr-CA</c> → <c>fr-FR</c>), else <see cref="Greeting"/>.
    /// </summary>
    public ResolvedPrompt GreetingFor(string? language)
    {
        if (string.IsNullOrEmpty(language)) return Greeting;
        if (Greetings.TryGetValue(language, out var exact)) return exact;
        var primary = language.Split('-')[0];
        if (string.Equals(primary, Greeting.Locale.Split('-')[0], StringComparison.OrdinalIgnoreCase)) return Greeting;
        return Greetings.FirstOrDefault(g => string.Equals(g.Key.Split('-')[0], primary, StringComparison.OrdinalIgnoreCase)).Value ?? Greeting;
    }

    /// <summary>Loggers.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The SIP URI for <paramref name="number"/>.</summary>
    public string TargetFor(string number) => Trunk.Replace("{number}", number.TrimStart('+'), StringComparison.Ordinal);
}

/// <summary>
/// Dials callbacks for the router: one child per attempt calls the customer through the trunk, plays the greeting to
/// its end, then rings the reserved agent over hold music and bridges the two legs; the router hears
/// <see cref="CallbackBridged"/> and then exactly one <see cref="CallbackDialFinished"/> per <see cref="DialCallback"/>.
/// </summary>
public sealed class CallbackDialer : ReceiveActor
{
    /// <summary>Registers the handler.</summary>
    public CallbackDialer(CallbackDialerSettings settings)
    {
        Receive<DialCallback>(m => Context.ActorOf(Akka.Actor.Props.Create(() => new Attempt(settings, m, Sender))));
    }

    /// <summary>The props of the dialer.</summary>
    public static Props Props(CallbackDialerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Actor.Props.Create(() => new CallbackDialer(settings));
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>One attempt: customer, greeting, agent, bridge, until either side hangs up.</summary>
    private sealed class Attempt : ReceiveActor
    {
        private readonly CallbackDialerSettings _settings;
        private readonly DialCallback _job;
        private readonly IActorRef _router;
        private readonly ILogger _log;
        private readonly CancellationTokenSource _cancel = new();
        private OutboundLeg? _customer;
        private OutboundLeg? _agent;
        private MediaBridge? _bridge;
        private Action? _onGreeted;
        private bool _agentRung;
        private bool _reported;

        public Attempt(CallbackDialerSettings settings, DialCallback job, IActorRef router)
        {
            _settings = settings;
            _job = job;
            _router = router;
            _log = settings.Logging.CreateLogger<CallbackDialer>();
            Receive<CustomerLeg>(OnCustomer);
            Receive<AgentLeg>(OnAgent);
            Receive<LegHungUp>(m => OnHangup(m.Customer));
            Receive<GreetingPlayed>(_ => OnGreetingPlayed());
        }

        protected override void PreStart()
        {
            var target = _settings.TargetFor(_job.Callback.Number);
            _log.LogInformation("Callback {Id}: calling {Number} at {Target} (attempt {Attempt})", _job.Callback.Id, _job.Callback.Number, target, _job.Callback.Attempts);
            Dial(target, null, _settings.RingTimeout, leg => new CustomerLeg(leg));
        }

        protected override void PostStop()
        {
            _cancel.Cancel();
            _bridge?.Dispose();
            HangUp(_customer);
            HangUp(_agent);
            Report(CallbackAttemptResult.NoAnswer, agentMissed: false);
        }

        private void Dial(string target, string? display, TimeSpan ring, Func<OutboundLeg, object> wrap)
        {
            _settings.Outbound.DialAsync(target, display, ring, _cancel.Token).PipeTo(Self,
                success: wrap,
                failure: ex => wrap(new OutboundLeg(OutboundCallStatus.Rejected, 0, null, null, ex.Message)));
        }

        private void OnCustomer(CustomerLeg m)
        {
            if (!m.Leg.IsUp)
            {
                var result = m.Leg.StatusCode switch
                {
                    486 or 600 or 603 => CallbackAttemptResult.Busy,
                    404 or 484 or 403 or 410 => CallbackAttemptResult.Rejected,
                    _ => CallbackAttemptResult.NoAnswer,
                };
                _log.LogInformation("Callback {Id}: customer not reached ({Status} {Code}) → {Result}", _job.Callback.Id, m.Leg.Status, m.Leg.StatusCode, result);
                Finish(result, agentMissed: false);
                return;
            }
            _customer = m.Leg;
            Watch(m.Leg, customer: true);
            var media = m.Leg.Media!;
            // In the caller's language when it has a greeting that can be played, else the default one.
            var prompt = _settings.GreetingFor(_job.Callback.Language);
            var greeting = _settings.Prompts.Find(prompt);
            if (greeting is null && prompt != _settings.Greeting) greeting = _settings.Prompts.Find(prompt = _settings.Greeting);
            if (greeting is null)
            {
                RingAgent();
                return;
            }
            // The customer hears "this is your callback…" to its end before the agent is rung, so that an agent who
            // answers at once does not cut it off.
            _log.LogInformation("Callback {Id}: customer answered; greeting ({Locale})", _job.Callback.Id, prompt.Locale);
            var self = Self;
            _onGreeted = () => self.Tell(GreetingPlayed.Instance);
            media.PlaybackFinished += _onGreeted;
            media.Play(greeting);
        }

        private void OnGreetingPlayed()
        {
            if (_customer?.Media is { } media && _onGreeted is not null) media.PlaybackFinished -= _onGreeted;
            _onGreeted = null;
            if (_customer is not null && !_agentRung) RingAgent();
        }

        private void RingAgent()
        {
            _agentRung = true;
            if (_settings.Prompts.FindSound("common/hold.wav") is { } hold) _customer!.Media!.Play(hold);
            _log.LogInformation("Callback {Id}: ringing agent {Agent}", _job.Callback.Id, _job.AgentId);
            Dial(_job.AgentContact, _job.Callback.Number, _job.AgentRingTimeout, leg => new AgentLeg(leg));
        }

        private void OnAgent(AgentLeg m)
        {
            if (_customer is null)
            {
                HangUp(m.Leg);
                return;
            }
            if (!m.Leg.IsUp)
            {
                _log.LogWarning("Callback {Id}: agent {Agent} did not answer ({Code}); the callback will be retried", _job.Callback.Id, _job.AgentId, m.Leg.StatusCode);
                Finish(CallbackAttemptResult.NoAnswer, agentMissed: true);
                return;
            }
            _agent = m.Leg;
            Watch(m.Leg, customer: false);
            _customer.Media!.StopPlayback();
            if (_customer.Media is RtpMediaSession a && m.Leg.Media is RtpMediaSession b) _bridge = new MediaBridge(a, b);
            _log.LogInformation("Callback {Id}: customer bridged to agent {Agent}", _job.Callback.Id, _job.AgentId);
            _router.Tell(new CallbackBridged(_job.Callback.Id, _job.AgentId));
        }

        private void OnHangup(bool customer)
        {
            _log.LogInformation("Callback {Id}: the {Side} hung up", _job.Callback.Id, customer ? "customer" : "agent");
            if (customer) _customer = Closed(_customer);
            else _agent = Closed(_agent);
            // Bridged: the callback was served. Before the agent answered: the customer left; retry later.
            Finish(_bridge is not null ? CallbackAttemptResult.Connected : CallbackAttemptResult.NoAnswer, agentMissed: false);
        }

        private static OutboundLeg? Closed(OutboundLeg? leg)
        {
            leg?.Media?.Close();
            return null;
        }

        private void Watch(OutboundLeg leg, bool customer)
        {
            var self = Self;
            leg.Call!.RemoteHangup += () => self.Tell(new LegHungUp(customer));
        }

        private void Finish(CallbackAttemptResult result, bool agentMissed)
        {
            Report(result, agentMissed);
            Context.Stop(Self);
        }

        private void Report(CallbackAttemptResult result, bool agentMissed)
        {
            if (_reported) return;
            _reported = true;
            _router.Tell(new CallbackDialFinished(_job.Callback.Id, _job.AgentId, result, agentMissed));
        }

        private static void HangUp(OutboundLeg? leg)
        {
            if (leg is null) return;
            leg.Media?.Close();
            _ = leg.Call?.HangupAsync(CancellationToken.None);
        }

        private sealed record CustomerLeg(OutboundLeg Leg);

        private sealed record AgentLeg(OutboundLeg Leg);

        private sealed record LegHungUp(bool Customer);

        private sealed class GreetingPlayed
        {
            public static readonly GreetingPlayed Instance = new();
        }
    }
}
