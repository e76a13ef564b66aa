using System.Globalization;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>
/// One simulated call, driven step by step: a scripted host that answers prompts, recordings and timers itself and feeds
/// the run the caller's tokens. <see cref="FlowSimulator"/> runs a whole script; the terminal simulator drives it line by line.
/// </summary>
/// <remarks>
/// Prompts finish on their own unless caller input arrives while a barge-in prompt of a menu, digits or callback step plays:
/// then the input is delivered during the prompt, as a real caller would interrupt it. Recordings finish on their own
/// (<c>sim/message-N.wav</c>, 10 s). Every event fed to the run counts against <see cref="SimulationOptions.MaxEvents"/>.
/// No console, no threads: everything happens inside the calls.
/// </remarks>
public sealed class FlowSimulation
{
    private const string NonsensePhrase = "zzz-unrecognised-zzz";

    private readonly FlowRun _run;
    private readonly SimulationOptions _options;
    private readonly List<TranscriptEntry> _transcript = [];
    private readonly List<StepRef> _path = [];
    private readonly HashSet<EdgeRef> _edges = [];
    private readonly HashSet<HandlerRef> _handlers = [];
    private readonly Dictionary<int, TimeSpan> _timers = [];
    private int _events;
    private int _recordings;
    private bool _limitHit;
    private bool _lastPlayBargeIn;
    private string? _queuedSkill;
    private HttpRequestEffect? _pendingHttp;
    private string? _echo;

    /// <summary>Prepares the call; nothing happens until <see cref="Start"/>.</summary>
    public FlowSimulation(CompiledFlow flow, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _options = options ?? new SimulationOptions();
        Flow = flow;
        var host = new Host(this);
        _run = flow.CreateRun(host, new CallInfo("sim-" + flow.Id, _options.CallerNumber, _options.CallerName, _options.Dialled) { Contacts = _options.History }, _options.Time);
        _run.Observer = new Observer(this);
        if (!string.IsNullOrEmpty(_options.Language)) _run.SetVariable("language", _options.Language);
    }

    /// <summary>The flow simulated.</summary>
    public CompiledFlow Flow { get; }

    /// <summary>The run, for reading its state (current step, variables, language).</summary>
    public FlowRun Run => _run;

    /// <summary>Everything that happened so far.</summary>
    public IReadOnlyList<TranscriptEntry> Transcript => _transcript;

    /// <summary>Events fed to the run so far.</summary>
    public int Events => _events;

    /// <summary>True when the run ended or the event bound was reached: later tokens are ignored.</summary>
    public bool IsOver => _run.IsEnded || _limitHit;

    /// <summary>True while the run waits for the caller (a key, a phrase or silence).</summary>
    public bool WaitsForCaller => !IsOver && _run.Waiting == FlowWait.Input;

    /// <summary>The step the run waits in, <c>flow/step</c> inside a subflow.</summary>
    public string? CurrentStepDisplay => _run.CurrentStep is { } s ? new StepRef(_run.CurrentFlow, s).Display(Flow.Id) : null;

    /// <summary>The model of the current step, or null before the start.</summary>
    public Step? CurrentStepModel => _run.CurrentStep is { } s ? _run.Flow.FindStep(s)?.Step : null;

    /// <summary>Answers the call. The first prompt keeps playing until <see cref="Deliver"/> or <see cref="Settle"/>: a scripted
    /// caller may interrupt it.</summary>
    public void Start()
    {
        if (_run.Waiting == FlowWait.NotStarted) Feed(_run.Start, auto: true);
    }

    /// <summary>
    /// What a speech recognizer would listen for now: the last listening turn with phrases (from a barge-in prompt or a
    /// step listening), or null when the call takes DTMF only.
    /// </summary>
    public ListenEffect? Listening { get; private set; }

    /// <summary>Finishes prompts and recordings until the run needs the caller, a host result, or has ended.</summary>
    public void Settle()
    {
        while (!IsOver)
        {
            if (_pendingHttp is not null)
            {
                AnswerHttp();
                continue;
            }
            switch (_run.Waiting)
            {
                case FlowWait.NotStarted: Feed(_run.Start, auto: true); break;
                case FlowWait.Prompt: Feed(_run.PromptFinished, auto: true); break;
                case FlowWait.Recording: FinishRecording(); break;
                default: return;
            }
        }
    }

    /// <summary>Feeds one token: a DTMF string key by key, a phrase, silence, a hang-up or a host result.</summary>
    public void Deliver(InputToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Kind == InputTokenKind.Digits && token.Text.Length > 1)
        {
            _echo = token.ToString();
            foreach (var key in token.Text) DeliverOne(new InputToken(InputTokenKind.Digits, key.ToString()), echo: false);
            FlushEcho();
            return;
        }
        DeliverOne(token, echo: true);
    }

    /// <summary>Ends the simulation: with <see cref="SimulationOptions.Drain"/> fires timers (books callbacks, accepts
    /// transfers) until the run ends; then reports the outcome.</summary>
    public SimulationResult Finish()
    {
        while (!IsOver)
        {
            var w = _run.Waiting;
            if (_pendingHttp is not null) AnswerHttp();
            else if (w == FlowWait.NotStarted) Feed(_run.Start, auto: true);
            else if (w == FlowWait.Prompt) Feed(_run.PromptFinished, auto: true);
            else if (w == FlowWait.Recording) FinishRecording();
            else if (!_options.Drain) break;
            else if (w == FlowWait.Input && _run.ActiveTimer is { } token) FireTimer(token);
            else if (w == FlowWait.Callback)
            {
                Add(TranscriptKind.Input, "(drain: the callback is booked)");
                Feed(() => _run.CallbackResult(true, null));
            }
            else if (w == FlowWait.Transfer)
            {
                Add(TranscriptKind.Input, "(drain: the transfer succeeds)");
                Feed(() => _run.TransferResult(true));
            }
            else if (w == FlowWait.Agent)
            {
                Add(TranscriptKind.Input, "(drain: the agent hangs up)");
                Feed(_run.AgentLeft);
            }
            else break;
        }

        string outcome;
        if (_run.Outcome is { } o) outcome = o.Code;
        else
        {
            outcome = _limitHit ? "event-limit"
                : _run.Waiting == FlowWait.Queue ? "queued:" + (_queuedSkill ?? "?")
                : _run.Waiting == FlowWait.Agent ? "connected:" + (_queuedSkill ?? "?")
                : "waiting:" + (CurrentStepDisplay ?? "start");
            Add(TranscriptKind.Outcome, outcome);
        }
        return new SimulationResult
        {
            FlowId = Flow.Id,
            Outcome = outcome,
            Ended = _run.IsEnded,
            Path = [.. _path],
            Transcript = [.. _transcript],
            Variables = _run.GetVariables(),
            Language = _run.Language,
            Events = _events,
            EdgesTaken = new HashSet<EdgeRef>(_edges),
            Handlers = new HashSet<HandlerRef>(_handlers),
        };
    }

    private void DeliverOne(InputToken token, bool echo)
    {
        // The token is echoed when it reaches the run, after the prompts it waited for, so the transcript reads in order.
        if (echo) _echo = token.ToString();
        try
        {
            DeliverNow(token);
        }
        finally
        {
            FlushEcho();
        }
    }

    private void DeliverNow(InputToken token)
    {
        while (true)
        {
            if (IsOver)
            {
                FlushEcho();
                Add(TranscriptKind.Ignored, $"{token}: the call is over");
                return;
            }
            if (token.Kind == InputTokenKind.Hangup)
            {
                Feed(_run.Hangup);
                return;
            }
            if (_pendingHttp is not null)
            {
                AnswerHttp();
                continue;
            }
            if (token.Kind == InputTokenKind.Speech && _run.Waiting is FlowWait.Prompt or FlowWait.Input
                && CurrentStepModel is DigitsStep or CallbackStep or MenuStep { Speech: false } or SurveyStep { Speech: false })
            {
                // No speech grammar is active here (the ListenEffect has no phrases): a real recognizer would not hear it.
                Ignored(token, "DTMF only (no speech grammar in this step)");
                return;
            }
            switch (_run.Waiting)
            {
                case FlowWait.NotStarted:
                    Feed(_run.Start, auto: true);
                    continue;
                case FlowWait.Prompt:
                    if (token.IsCallerInput && _lastPlayBargeIn && CurrentStepModel is MenuStep or DigitsStep or CallbackStep or SurveyStep)
                    {
                        FlushEcho();
                        Add(TranscriptKind.PromptStopped, "(barge-in)");
                        Caller(token);
                        return;
                    }
                    Feed(_run.PromptFinished, auto: true);
                    continue;
                case FlowWait.Recording:
                    if (token.Kind == InputTokenKind.NotKept)
                    {
                        FlushEcho();
                        Add(TranscriptKind.Input, "(message recorded but not kept: the store failed)");
                        Feed(() => _run.RecordingFailed("simulated store failure"));
                        return;
                    }
                    FinishRecording();
                    continue;
                case FlowWait.Input:
                    if (token.IsCallerInput) Caller(token);
                    else if (token.Kind == InputTokenKind.NoInput)
                    {
                        if (_run.ActiveTimer is { } t) FireTimer(t);
                        else
                        {
                            FlushEcho();
                            Add(TranscriptKind.Ignored, "/noinput: no timer is armed");
                        }
                    }
                    else Ignored(token, "caller input");
                    return;
                case FlowWait.Queue:
                    switch (token.Kind)
                    {
                        case InputTokenKind.Connected: Feed(() => _run.QueueResult(QueueOutcome.Connected)); return;
                        case InputTokenKind.Callback: Feed(() => _run.QueueResult(QueueOutcome.Callback)); return;
                        case InputTokenKind.Message: Feed(() => _run.QueueResult(QueueOutcome.Message)); return;
                        case InputTokenKind.Failed: Feed(() => _run.QueueResult(QueueOutcome.Failed)); return;
                        default: Ignored(token, "a queue result (/connected, /callback, /message, /failed)"); return;
                    }
                case FlowWait.Transfer:
                    if (token.Kind == InputTokenKind.TransferOk) Feed(() => _run.TransferResult(true));
                    else if (token.Kind == InputTokenKind.TransferFail) Feed(() => _run.TransferResult(false));
                    else Ignored(token, "a transfer result (/transfer-ok, /transfer-fail)");
                    return;
                case FlowWait.Agent:
                    if (token.Kind == InputTokenKind.AgentHangup) Feed(_run.AgentLeft);
                    else Ignored(token, "the agent to hang up (/agent-hangup) or the caller to (/hangup)");
                    return;
                case FlowWait.Callback:
                    if (token.Kind == InputTokenKind.Booked) Feed(() => _run.CallbackResult(true, null));
                    else if (token.Kind == InputTokenKind.Refused) Feed(() => _run.CallbackResult(false, null));
                    else Ignored(token, "a callback result (/booked, /refused)");
                    return;
                default:
                    Ignored(token, "nothing");
                    return;
            }
        }
    }

    private void Caller(InputToken token)
    {
        switch (token.Kind)
        {
            case InputTokenKind.Digits:
                foreach (var key in token.Text) Feed(() => _run.Digit(key));
                break;
            case InputTokenKind.Speech:
                Feed(() => _run.Heard(token.Text, token.Confidence));
                break;
            case InputTokenKind.NoMatch:
                NoMatch();
                break;
        }
    }

    /// <summary>Something the current step cannot take: nonsense speech in a menu, a lone terminator or stray key elsewhere.</summary>
    private void NoMatch()
    {
        switch (CurrentStepModel)
        {
            case MenuStep { Speech: true }:
                Feed(() => _run.Heard(NonsensePhrase, 0));
                break;
            case MenuStep menu:
                var used = menu.Choices.SelectMany(c => c.Keys).ToHashSet(StringComparer.Ordinal);
                var key = "0123456789*#".FirstOrDefault(k => !used.Contains(k.ToString()));
                if (key != '\0') Feed(() => _run.Digit(key));
                break;
            case DigitsStep digits:
                var k2 = digits.Terminator.Length == 1 ? digits.Terminator[0] : '*';
                Feed(() => _run.Digit(k2));
                break;
            case CallbackStep:
                Feed(() => _run.Digit('9'));
                break;
            case SurveyStep { Speech: false }:
                Feed(() => _run.Digit('9'));
                break;
            default:
                Feed(() => _run.Heard(NonsensePhrase, 0));
                break;
        }
    }

    private void FireTimer(int token)
    {
        FlushEcho();
        if (_options.Time is ManualTimeProvider manual && _timers.TryGetValue(token, out var after)) manual.Advance(after);
        Add(TranscriptKind.Timer, $"timer #{token} fires (no input)");
        Feed(() => _run.TimerExpired(token));
    }

    /// <summary>Answers the pending HTTP request from the scenario's stub for its step (none: <c>no-stub</c>).</summary>
    private void AnswerHttp()
    {
        var request = _pendingHttp!;
        _pendingHttp = null;
        var display = new StepRef(_run.CurrentFlow, request.Step).Display(Flow.Id);
        var stubs = _options.HttpStubs;
        HttpResult result;
        TimeSpan waited;
        if (!stubs.TryGetValue(display, out var stub) && !stubs.TryGetValue(request.Step, out stub))
        {
            (result, waited) = (HttpResult.Failed(HttpErrors.NoStub), TimeSpan.Zero);
        }
        else if (stub.Error is { } error) (result, waited) = (HttpResult.Failed(error), error == HttpErrors.Timeout ? request.Timeout : TimeSpan.Zero);
        else if (TimeSpan.FromSeconds(stub.Delay) >= request.Timeout) (result, waited) = (HttpResult.Failed(HttpErrors.Timeout), request.Timeout);
        else (result, waited) = (HttpResult.Response(stub.Status, stub.Body), TimeSpan.FromSeconds(stub.Delay));
        if (_options.Time is ManualTimeProvider manual && waited > TimeSpan.Zero) manual.Advance(waited);
        var seconds = waited.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        Add(TranscriptKind.Http, result.Error is { } e
            ? $"http answer: {e} after {seconds} s" + (stub is null ? " (the scenario has no stub for this step)" : "")
            : $"http answer: {result.Status} after {seconds} s, {result.Body?.Length ?? 0} chars");
        Feed(() => _run.HttpResult(result), auto: true);
    }

    private void FinishRecording()
    {
        var path = $"sim/message-{++_recordings}.wav";
        Add(TranscriptKind.Input, $"(message recorded: {path}, 10 s)");
        Feed(() => _run.RecordingFinished(path, 10), auto: true);
    }

    private void Ignored(InputToken token, string expected)
    {
        FlushEcho();
        Add(TranscriptKind.Ignored, $"{token} ignored: at {CurrentStepDisplay ?? "start"} the run waits for {expected}");
    }

    private void FlushEcho()
    {
        if (_echo is null) return;
        var text = _echo;
        _echo = null;
        Add(TranscriptKind.Input, text);
    }

    /// <summary>Feeds one event; <paramref name="auto"/> marks the host's own answers (prompt ends, recordings), which
    /// do not carry the pending token's echo.</summary>
    private void Feed(Action action, bool auto = false)
    {
        if (!auto) FlushEcho();
        if (_limitHit || _run.IsEnded) return;
        if (_events >= _options.MaxEvents)
        {
            _limitHit = true;
            Add(TranscriptKind.Ignored, $"stopped: more than {_options.MaxEvents:N0} events");
            return;
        }
        _events++;
        action();
    }

    private void Add(TranscriptKind kind, string text, string? name = null) =>
        _transcript.Add(new TranscriptEntry(kind, _run.CurrentFlow, _run.CurrentStep, text, name));

    private void OnEffect(FlowEffect effect)
    {
        switch (effect)
        {
            case PlayEffect play:
                _lastPlayBargeIn = play.BargeIn;
                Listening = play.Speech;
                foreach (var p in play.Prompts) Add(TranscriptKind.Prompt, p.Text ?? $"(sound {p.Sound})", p.Name);
                break;
            case ListenEffect listen:
                Listening = listen.Phrases.Count > 0 ? listen : null;
                Add(TranscriptKind.Listen, listen.Phrases.Count == 0
                    ? "listening: DTMF"
                    : $"listening: DTMF + speech ({listen.Locale}): {string.Join(", ", listen.Phrases)}");
                break;
            case StopListeningEffect:
                Listening = null;
                break;
            case StartTimerEffect timer:
                _timers[timer.Token] = timer.After;
                Add(TranscriptKind.Timer, $"timer #{timer.Token}: {timer.After.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
                break;
            case EnqueueEffect enqueue:
                _queuedSkill = enqueue.Skill;
                var offer = enqueue.Offer is { } o ? $", offer {(o.Callback ? "callback" : "")}{(o.Callback && o.Message ? "+" : "")}{(o.Message ? "message" : "")}" : "";
                Add(TranscriptKind.Enqueue, $"enqueue skill {enqueue.Skill}, priority {enqueue.Priority}{offer}{Preferred(enqueue.PreferAgent)}");
                break;
            case TransferEffect transfer:
                Add(TranscriptKind.Transfer, $"transfer to {transfer.Uri} ({transfer.Method.ToString().ToLowerInvariant()})");
                break;
            case RecordEffect record:
                Add(TranscriptKind.Record, $"record a message: up to {record.MaxLength.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
                    + (record.Beep ? ", beep" : "") + (record.FinishKey.Length > 0 ? $", {record.FinishKey} ends" : "")
                    + (record.Skill is null ? "" : $", mailbox {record.Skill}"));
                break;
            case BookCallbackEffect book:
                Add(TranscriptKind.Callback, $"book a callback to {book.Number}" + (book.Skill is null ? "" : $" ({book.Skill})"));
                break;
            case HttpRequestEffect http:
                _pendingHttp = http;
                Add(TranscriptKind.Http, $"http {(http.Method == HttpStepMethod.Post ? "POST" : "GET")} service {http.Service} {http.Path}"
                    + (http.Body is null ? "" : $" {http.Body}"));
                break;
            case SurveyEffect survey:
                Add(TranscriptKind.Survey, $"survey {survey.Step}{(survey.Finished ? " finished" : "")}: "
                    + string.Join(", ", survey.Scores.Select((s, i) => $"q{i + 1}={(s is { } v ? v.ToString(CultureInfo.InvariantCulture) : "-")}")));
                break;
            case HangupEffect hangup:
                Add(TranscriptKind.Hangup, $"hang up ({hangup.Reason})");
                break;
            case EndedEffect ended:
                Add(TranscriptKind.Outcome, ended.Outcome.Code);
                break;
        }
    }

    private sealed class Host(FlowSimulation sim) : IFlowHost
    {
        public void Execute(FlowEffect effect) => sim.OnEffect(effect);
    }

    private sealed class Observer(FlowSimulation sim) : IFlowRunObserver
    {
        public void StepEntered(FlowRun run, CompiledStep step)
        {
            sim._path.Add(new StepRef(run.CurrentFlow, step.Name));
            sim._transcript.Add(new TranscriptEntry(TranscriptKind.Step, run.CurrentFlow, step.Name, $"{step.Name} ({step.Kind})"));
        }

        public void EdgeTaken(FlowRun run, FlowTrigger edge) =>
            sim._edges.Add(new EdgeRef(run.CurrentFlow, edge.Source.Name, edge.Index, edge.Label));

        public void AttemptFailed(FlowRun run, CompiledStep step, bool noMatch, int attempt)
        {
            var handler = noMatch ? "noMatch" : "noInput";
            sim._handlers.Add(new HandlerRef(run.CurrentFlow, step.Name, handler));
            sim._transcript.Add(new TranscriptEntry(TranscriptKind.Retry, run.CurrentFlow, step.Name, $"{(noMatch ? "no-match" : "no-input")} (attempt {attempt})"));
        }
    }

    /// <summary>", last agent alice first for 30 s" when the queue step holds the caller for their last agent.</summary>
    private static string Preferred(PreferredAgent? prefer) =>
        prefer is null ? string.Empty : $", last agent {prefer.AgentId} first for {prefer.Wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
