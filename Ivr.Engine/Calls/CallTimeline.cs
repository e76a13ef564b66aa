using System.Globalization;
using Ivr.Engine.Integrations.ScreenPop;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// The story of one call: its summary (state, step) and a bounded list of timestamped events — steps entered, prompts,
/// inputs, retries, queue events, the end. Written by the call's actor (as the run's <see cref="IFlowRunObserver"/> and
/// from the effects it executes), read by the HTTP API from other threads; it also feeds <see cref="FlowMetrics"/>.
/// </summary>
public sealed class CallTimeline : IFlowRunObserver
{
    private readonly Lock _gate = new();
    private readonly List<TimelineEntry> _entries = [];
    private readonly TimeProvider _time;
    private readonly FlowMetrics? _flows;
    private readonly int _maxEntries;
    private CallSummary _summary;
    private int _dropped;
    private string? _queuedFor;
    private AgentContext? _agentContext;
    private SurveyTaken? _survey;

    /// <summary>Starts the timeline of a call taken now.</summary>
    public CallTimeline(CallInfo call, string flow, string version, TimeProvider time, FlowMetrics flows, int maxEntries = 500, string source = "sip")
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _time = time;
        _flows = flows;
        _maxEntries = maxEntries;
        _summary = new CallSummary(call.CallId, call.CallerNumber, call.Dialled, flow, version, "answering", null, time.GetUtcNow(), null, null, null) { Source = source };
        var how = source == "sip" ? "INVITE" : "call over " + source;
        Add("call", null, null, $"{how} from {call.CallerNumber} to {call.Dialled} on {flow}@{version}");
    }

    /// <summary>
    /// Starts the timeline of a callback attempt whose customer's phone rings now. It feeds no <see cref="FlowMetrics"/>:
    /// a callback runs no flow, so it is no flow's call and no flow's outcome.
    /// </summary>
    public CallTimeline(CallbackAttemptInfo attempt, TimeProvider time, int maxEntries = 500)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _time = time;
        _maxEntries = maxEntries;
        _summary = new CallSummary(attempt.CallId, attempt.From, attempt.Number, CallBoard.CallbackFlow, "-", "ringing", "customer", time.GetUtcNow(), null, null, null)
        {
            Kind = CallBoard.CallbackKind,
            Direction = "outbound",
            CallbackId = attempt.CallbackId,
            Attempt = attempt.Attempt,
            Skill = attempt.Skill,
        };
        Add("call", null, "customer", $"callback {attempt.CallbackId} attempt {attempt.Attempt} for {attempt.Skill}: ringing the customer at {attempt.Number} (agent {attempt.Agent} reserved)");
    }

    /// <summary>The call's Call-ID.</summary>
    public string CallId => _summary.CallId;

    /// <summary>The call as listed now.</summary>
    public CallSummary Summary
    {
        get
        {
            lock (_gate) return _summary;
        }
    }

    /// <summary>Events dropped because the timeline was full (the first <c>maxEntries</c> are kept).</summary>
    public int Dropped
    {
        get
        {
            lock (_gate) return _dropped;
        }
    }

    /// <summary>What the agent is (or would be) shown of the call: set while queued, replaced on delivery; null before.</summary>
    public AgentContext? AgentContext
    {
        get
        {
            lock (_gate) return _agentContext;
        }
    }

    /// <summary>The call's context for the agent is now <paramref name="context"/> (shown by <c>/api/calls/{id}</c>).</summary>
    public void ContextForAgent(AgentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate) _agentContext = context;
    }

    /// <summary>A copy of the events so far.</summary>
    public IReadOnlyList<TimelineEntry> Entries()
    {
        lock (_gate) return _entries.ToArray();
    }

    /// <summary>The call was answered and its flow starts.</summary>
    public void Answered()
    {
        var flow = _summary.Flow;
        _flows?.Calls.Add(flow, _summary.Version);
        lock (_gate) _summary = _summary with { State = "in-flow", AnsweredAt = _time.GetUtcNow() };
        Add("call", flow, null, "answered");
    }

    /// <summary>The caller pressed <paramref name="digit"/>.</summary>
    public void Digit(char digit, string? flow, string? step) => Add("input", flow, step, "DTMF " + digit);

    /// <summary>The recognizer heard <paramref name="text"/> (empty: speech that matched nothing) at <paramref name="step"/>.</summary>
    public void Speech(string text, double confidence, string? flow, string? step) =>
        Add("input", flow, step, string.Create(CultureInfo.InvariantCulture,
            $"{(text.Length == 0 ? "speech, no match" : "said '" + text + "'")} (confidence {confidence:0.00})"));

    /// <summary>Records what an effect of the run asks for (prompts, queue, transfer, recording, hang-up, the outcome).</summary>
    public void Effect(FlowEffect effect, string? flow, string? step)
    {
        switch (effect)
        {
            case PlayEffect play:
                Add("prompt", flow, step, string.Join(", ", play.Prompts.Select(p => p.Sound ?? (p.Text is null ? p.Name ?? "?" : "\"" + p.Text + "\""))));
                break;
            case EnqueueEffect enqueue:
                _flows?.QueueEntered.Add(_summary.Flow, enqueue.Skill);
                lock (_gate) _queuedFor = enqueue.Skill;
                SetState("queued");
                Add("queue", flow, step, $"enqueue for {enqueue.Skill} (priority {enqueue.Priority})"
                    + (enqueue.PreferAgent is { } prefer ? string.Create(CultureInfo.InvariantCulture, $", last agent {prefer.AgentId} first for {prefer.Wait.TotalSeconds:0.###} s") : string.Empty));
                break;
            case TransferEffect transfer:
                SetState("transferring");
                Add("transfer", flow, step, $"{transfer.Method.ToString().ToLowerInvariant()} to {transfer.Uri}");
                break;
            case RecordEffect record:
                SetState("recording");
                Add("record", flow, step, $"record up to {record.MaxLength.TotalSeconds:0} s");
                break;
            case BookCallbackEffect callback:
                Add("callback", flow, step, $"book a callback to {callback.Number}" + (callback.Skill is null ? string.Empty : $" ({callback.Skill})"));
                break;
            case HangupEffect hangup:
                SetState("ending");
                Add("hangup", flow, step, hangup.Reason);
                break;
            case EndedEffect ended:
                _flows?.Outcomes.Add(_summary.Flow, ended.Outcome.Code);
                if (ended.Outcome.Code == FlowOutcome.CallerHangup && QueuedFor is { } skill) _flows?.QueueAbandoned.Add(_summary.Flow, skill);
                // Bridged to an agent, the call lives on after its flow: it stays "connected" until a side hangs up.
                lock (_gate)
                {
                    if (_summary.State != "connected") _summary = _summary with { State = "ending" };
                }
                Add("outcome", flow, ended.Outcome.Step, ended.Outcome.Code);
                break;
        }
    }

    /// <summary>The caller is bridged to <paramref name="agentId"/>: the call is "connected" until either side hangs up.</summary>
    public void Connected(string? agentId, string? skill, string? flow, string? step)
    {
        lock (_gate) _summary = _summary with { State = "connected", Agent = agentId ?? _summary.Agent, Skill = skill ?? _summary.Skill };
        Add("queue", flow, step, $"bridged to agent {agentId}" + (skill is null ? string.Empty : $" ({skill})"));
    }

    /// <summary>The agent hung up first and the caller's flow goes on (a queue step's <c>afterAgent</c>): back in the flow.</summary>
    public void AgentLeft(string agentId, string? flow, string? step)
    {
        lock (_gate) _summary = _summary with { State = "in-flow" };
        Add("queue", flow, step, $"agent {agentId} hung up first: the caller's flow goes on");
    }

    /// <summary>The survey this call was offered and its answers so far (the latest <see cref="Surveyed"/>), null if none.</summary>
    public SurveyTaken? Survey
    {
        get
        {
            lock (_gate) return _survey;
        }
    }

    /// <summary>A survey step was entered, or one of its questions was answered or skipped: <paramref name="survey"/> is where it stands.</summary>
    public void Surveyed(SurveyTaken survey)
    {
        ArgumentNullException.ThrowIfNull(survey);
        lock (_gate) _survey = survey;
        var scores = string.Join(", ", survey.Scores.Select((s, i) => $"q{i + 1}={(s is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-")}"));
        Add("survey", survey.Flow, survey.Step, (survey.Finished ? "finished: " : "") + scores);
    }

    /// <summary>A callback's customer answered on the leg with SIP Call-ID <paramref name="sipCallId"/>; the agent is not rung yet.</summary>
    public void CustomerAnswered(string sipCallId)
    {
        lock (_gate) _summary = _summary with { State = "connecting", AnsweredAt = _time.GetUtcNow() };
        Add("call", null, "customer", $"customer answered (Call-ID {sipCallId})");
    }

    /// <summary>A callback's customer hears the greeting <paramref name="sound"/> before the agent is rung.</summary>
    public void Greeting(string sound)
    {
        lock (_gate) _summary = _summary with { Step = "greeting" };
        Add("prompt", null, "greeting", sound);
    }

    /// <summary>A callback's reserved agent is being rung (the customer hears hold music).</summary>
    public void AgentRinging(string agentId)
    {
        lock (_gate) _summary = _summary with { Step = "agent" };
        Add("agent", null, "agent", $"ringing agent {agentId}");
    }

    /// <summary>Something happened to the call that only the host knows (a side not reached, a side hung up…).</summary>
    public void Note(string kind, string? step, string detail) => Add(kind, null, step, detail);

    /// <summary>A queue event reported by the host (router result, wait expired, position…).</summary>
    public void QueueEvent(string detail, string? flow, string? step) => Add("queue", flow, step, detail);

    /// <summary>The call ended with <paramref name="outcome"/>.</summary>
    public void Ended(string outcome)
    {
        var now = _time.GetUtcNow();
        lock (_gate) _summary = _summary with { State = "ended", EndedAt = now, Outcome = outcome };
        Add("call", null, null, "ended: " + outcome);
    }

    /// <inheritdoc />
    public void StepEntered(FlowRun run, CompiledStep step)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(step);
        _flows?.StepVisits.Add(run.CurrentFlow, step.Name);
        lock (_gate)
        {
            var state = _summary.State is "answering" or "queued" or "transferring" or "recording" ? "in-flow" : _summary.State;
            _queuedFor = null;
            _summary = _summary with { Step = step.Name, State = state };
        }
        Add("step", run.CurrentFlow, step.Name, step.Kind);
    }

    /// <inheritdoc />
    public void EdgeTaken(FlowRun run, FlowTrigger edge)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(edge);
        Add("edge", run.CurrentFlow, edge.Source.Name, $"{edge.Label} → {edge.Target.Name}");
    }

    /// <inheritdoc />
    public void AttemptFailed(FlowRun run, CompiledStep step, bool noMatch, int attempt)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(step);
        if (_flows is not null) (noMatch ? _flows.NoMatch : _flows.NoInput).Add(run.CurrentFlow, step.Name);
        Add("retry", run.CurrentFlow, step.Name, $"{(noMatch ? "no-match" : "no-input")} (attempt {attempt})");
    }

    private string? QueuedFor
    {
        get
        {
            lock (_gate) return _queuedFor;
        }
    }

    private void SetState(string state)
    {
        lock (_gate) _summary = _summary with { State = state };
    }

    private void Add(string kind, string? flow, string? step, string detail)
    {
        var entry = new TimelineEntry(_time.GetUtcNow(), kind, flow, step, detail);
        lock (_gate)
        {
            if (_entries.Count < _maxEntries) _entries.Add(entry);
            else _dropped++;
        }
    }
}
