using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Live;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// One callback attempt as a call: rings the customer through the trunk, plays the greeting to its end, then rings the
/// reserved agent over hold music and bridges the two legs (<see cref="AgentConnection"/>, as for a queued caller). The
/// router hears <see cref="CallbackBridged"/> and then exactly one <see cref="CallbackDialFinished"/>. The attempt is on the
/// <see cref="CallBoard"/> from the customer's first ring to its end (closed from <see cref="PostStop"/> at the latest).
/// </summary>
public sealed class CallbackCall : ReceiveActor
{
    private readonly CallbackDialerSettings _settings;
    private readonly DialCallback _job;
    private readonly IActorRef _router;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _ringing = new();
    private OutboundLeg? _customer;
    private AgentConnection? _agent;
    private CallTimeline? _timeline;
    private int _greeting;
    private bool _reported;
    private DateTimeOffset? _bridgedAt;

    /// <summary>Registers the handlers; the customer is rung in <see cref="PreStart"/>.</summary>
    public CallbackCall(CallbackDialerSettings settings, DialCallback job, IActorRef router)
    {
        _settings = settings;
        _job = job;
        _router = router;
        _log = settings.Logging.CreateLogger<CallbackCall>();
        Receive<CustomerRang>(OnCustomer);
        Receive<AgentRang>(OnAgent);
        Receive<LegHungUp>(m => OnHangup(m.Customer));
        Receive<RouterIncarnation>(_ =>
        {
            if (!_reported) _router.Tell(new CallbackAttemptLive(_job.Callback, _job.AgentId, _bridgedAt));
        });
        Receive<LegPlayed>(m =>
        {
            if (m.Play == _greeting && _agent is null) RingAgent();
        });
    }

    /// <summary>The props of one attempt for <paramref name="job"/>, reporting to <paramref name="router"/>.</summary>
    public static Props Props(CallbackDialerSettings settings, DialCallback job, IActorRef router) =>
        Akka.Actor.Props.Create(() => new CallbackCall(settings, job, router));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var target = _settings.TargetFor(_job.Callback.Number);
        _log.LogInformation("Callback {Id}: calling {Number} at {Target} (attempt {Attempt})", _job.Callback.Id, _job.Callback.Number, target, _job.Callback.Attempts);
        _timeline = _settings.Board?.OpenCallback(new CallbackAttemptInfo(
            _job.Callback.Id, _job.Callback.Attempts, _job.Callback.Number, _settings.Outbound.FromUser, _job.Callback.Skill, _job.AgentId));
        var ringing = _ringing.Token;
        _settings.Outbound.DialAsync(target, null, _settings.RingTimeout, ringing).PipeTo(Self,
            success: result => new CustomerRang(result.HangUpWhenCancelled(ringing)),
            failure: ex => new CustomerRang(RingOutResult.Failed(ex.Message)));
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _ringing.Cancel();
        _agent?.End();
        if (_customer is { } customer)
        {
            customer.Attach(null);
            _ = customer.HangupAsync(CancellationToken.None);
        }
        Report(CallbackAttemptResult.NoAnswer, agentMissed: false);
        // Stopped before the attempt came to an end of its own (a fault, the engine stopping): no ghost on the board.
        Close("stopped");
    }

    private void OnCustomer(CustomerRang m)
    {
        if (m.Result.Leg is not { } leg)
        {
            var result = m.Result.StatusCode switch
            {
                486 or 600 or 603 => CallbackAttemptResult.Busy,
                404 or 484 or 403 or 410 => CallbackAttemptResult.Rejected,
                _ => CallbackAttemptResult.NoAnswer,
            };
            _log.LogInformation("Callback {Id}: customer not reached ({Status} {Code}) → {Result}", _job.Callback.Id, m.Result.Status, m.Result.StatusCode, result);
            _timeline?.Note("call", "customer", $"customer not reached: {m.Result.Status} {m.Result.StatusCode}" + (m.Result.Problem is { } problem ? " (" + problem + ")" : string.Empty));
            Finish(result, agentMissed: false, result switch
            {
                CallbackAttemptResult.Busy => "busy",
                CallbackAttemptResult.Rejected => "rejected",
                _ => "no-answer",
            });
            return;
        }
        _customer = leg;
        _timeline?.CustomerAnswered(leg.CallId);
        leg.Attach(new Listener(Self, customer: true));
        // In the caller's language when it has a greeting that can be played, else the default one.
        var prompt = _settings.Words.CallbackGreeting(_job.Callback.Language);
        var greeting = _settings.Prompts.Find(prompt);
        if (greeting is null && prompt.Locale != EnginePrompts.DefaultLocale)
            greeting = _settings.Prompts.Find(prompt = _settings.Words.CallbackGreeting(null));
        if (greeting is null)
        {
            RingAgent();
            return;
        }
        // The customer hears "this is your callback…" to its end before the agent is rung, so that an agent who answers
        // at once does not cut it off.
        _log.LogInformation("Callback {Id}: customer answered; greeting ({Locale})", _job.Callback.Id, prompt.Locale);
        _timeline?.Greeting(prompt.Sound ?? prompt.Text ?? "greeting");
        _greeting = leg.Play([greeting]);
    }

    private void RingAgent()
    {
        if (_settings.Prompts.FindSound("common/hold.wav") is { } hold) _customer!.Play([hold]);
        _log.LogInformation("Callback {Id}: ringing agent {Agent}", _job.Callback.Id, _job.AgentId);
        _timeline?.AgentRinging(_job.AgentId);
        _agent = new AgentConnection(_settings.Outbound, _job.AgentId, _log, _settings.ScreenPop);
        var context = CallbackAgentContext.For(_job, _timeline?.CallId, _settings.Time.GetUtcNow());
        _timeline?.ContextForAgent(context);
        _agent.RingAsync(_job.AgentContact, _job.Callback.Number, _job.AgentRingTimeout, context).PipeTo(Self, success: result => new AgentRang(result));
    }

    private void OnAgent(AgentRang m)
    {
        if (_customer is null || _agent is null)
        {
            _agent?.End(m.Result);
            return;
        }
        if (m.Result.Leg is not { } agentLeg)
        {
            _log.LogWarning("Callback {Id}: agent {Agent} did not answer ({Code}); the callback will be retried", _job.Callback.Id, _job.AgentId, m.Result.StatusCode);
            _timeline?.Note("agent", "agent", $"agent {_job.AgentId} did not answer ({m.Result.Status} {m.Result.StatusCode})");
            Finish(CallbackAttemptResult.NoAnswer, agentMissed: true, "agent-no-answer");
            return;
        }
        if (!_agent.Bridge(_customer, agentLeg, new Listener(Self, customer: false))) return;
        _log.LogInformation("Callback {Id}: customer bridged to agent {Agent}", _job.Callback.Id, _job.AgentId);
        _timeline?.Connected(_job.AgentId, _job.Callback.Skill, null, "bridged");
        _bridgedAt = _settings.Time.GetUtcNow();
        _router.Tell(new CallbackBridged(_job.Callback.Id, _job.AgentId));
    }

    private void OnHangup(bool customer)
    {
        _log.LogInformation("Callback {Id}: the {Side} hung up", _job.Callback.Id, customer ? "customer" : "agent");
        var served = _agent?.IsBridged == true;
        if (customer) _customer = null;
        var side = customer ? "customer" : "agent";
        _timeline?.Note("hangup", served ? "bridged" : null, $"hung up by the {side}" + (served ? $" (talking to agent {_job.AgentId})" : " before the agent answered"));
        // Bridged: the callback was served. Before the agent answered: the customer left; retry later.
        Finish(served ? CallbackAttemptResult.Connected : CallbackAttemptResult.NoAnswer, agentMissed: false,
            served ? "connected:" + side + "-hangup" : "customer-hangup");
    }

    private void Finish(CallbackAttemptResult result, bool agentMissed, string outcome)
    {
        Report(result, agentMissed);
        Close(outcome);
        Context.Stop(Self);
    }

    private void Close(string outcome)
    {
        if (_timeline is not { } timeline) return;
        _timeline = null;
        _settings.Board!.Close(timeline, outcome);
    }

    private void Report(CallbackAttemptResult result, bool agentMissed)
    {
        if (_reported) return;
        _reported = true;
        _router.Tell(new CallbackDialFinished(_job.Callback.Id, _job.AgentId, result, agentMissed));
    }

    private sealed record CustomerRang(RingOutResult Result);

    private sealed record AgentRang(RingOutResult Result);

    private sealed record LegHungUp(bool Customer);

    private sealed record LegPlayed(int Play);

    /// <summary>Posts a leg's events to the attempt.</summary>
    private sealed class Listener(IActorRef attempt, bool customer) : ILegListener
    {
        public void DigitReceived(char digit)
        {
        }

        public void PlaybackFinished(int play)
        {
            if (customer) attempt.Tell(new LegPlayed(play));
        }

        public void HungUp() => attempt.Tell(new LegHungUp(customer));

        public void Cancelled()
        {
        }
    }
}
