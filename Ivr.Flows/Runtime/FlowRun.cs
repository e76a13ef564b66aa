using Ivr.Flows.Runtime.Steps;

namespace Ivr.Flows.Runtime;

/// <summary>
/// The run of one call through a <see cref="CompiledFlow"/>: the host feeds events through methods named for intent and
/// executes the effects the run emits to <see cref="IFlowHost.Execute"/>. Not thread-safe: one call, one owner (its actor).
/// </summary>
/// <remarks>
/// Events that make no sense in the current state (a stale timer token, a queue result outside a queue step, anything after
/// <see cref="EndedEffect"/>) are ignored, never thrown. The run reads no clock except the injected <see cref="TimeProvider"/>
/// (for calendars) and never waits: timeouts are <see cref="StartTimerEffect"/>s answered by <see cref="TimerExpired"/>.
/// Step transitions fire the flow's shared Stateless machine (see <see cref="CompiledFlow"/>); the per-call state is this
/// object: the current step, a phase and an attempt counter, a digit buffer, the timer token and one slot per variable.
/// A run that passes through more than 1,000 steps without caller input ends with outcome <c>loop-guard</c>.
/// </remarks>
public sealed class FlowRun
{
    /// <summary>Steps a run may pass through without a digit or speech from the caller before the loop guard ends it.</summary>
    public const int MaxStepsWithoutInput = 1000;

    private const int MaxSubflowDepth = 16;

    private readonly IFlowHost _host;
    private readonly TimeProvider _time;
    private CompiledFlow _flow;
    private string[] _values;
    private CompiledStep _state;
    private FlowOutcome? _outcome;
    private char[]? _digits;
    private List<Frame>? _frames;
    private Queue<RunEvent>? _deferred;
    private SubflowLink? _pendingSubflow;
    private int _pendingEdge = -1;
    private int _timerToken;
    private int _stepsSinceInput;
    private int _digitCount;
    private FlowWait _wait;
    private bool _pendingReturn;
    private bool _started;
    private bool _busy;
    private bool _playing;
    private bool _listening;
    private bool _timerArmed;

    /// <summary>Creates the run of one call; nothing happens until <see cref="Start"/>.</summary>
    public FlowRun(CompiledFlow flow, IFlowHost host, CallInfo call, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(time);
        _flow = flow;
        _host = host;
        _time = time;
        _state = flow.Start;
        _values = flow.Variables.NewValues();
        _values[VariableTable.CallerNumber] = call.CallerNumber ?? string.Empty;
        _values[VariableTable.CallerName] = call.CallerName ?? string.Empty;
        _values[VariableTable.CallDialled] = call.Dialled ?? string.Empty;
        _values[VariableTable.CallId] = call.CallId ?? string.Empty;
        FillContacts(call.Contacts ?? CallerContacts.None);
    }

    /// <summary>The caller's history into its read-only variables (counts 0 and the rest empty for a first-time caller).</summary>
    private void FillContacts(CallerContacts contacts)
    {
        foreach (var (name, value) in contacts.Variables()) _values[_flow.Variables.Find(name)] = value;
    }

    /// <summary>Name of the current step (of the innermost subflow), or null before <see cref="Start"/>.</summary>
    public string? CurrentStep => _started ? _state.Name : null;

    /// <summary>Id of the flow the current step belongs to (differs from the top flow inside a subflow).</summary>
    public string CurrentFlow => _flow.Id;

    /// <summary>True once <see cref="EndedEffect"/> has been emitted.</summary>
    public bool IsEnded => _outcome is not null;

    /// <summary>How the run ended, or null while it runs.</summary>
    public FlowOutcome? Outcome => _outcome;

    /// <summary>The call's current locale (the <c>language</c> variable).</summary>
    public string Language => _values[VariableTable.Language];

    /// <summary>What the run waits for from the host.</summary>
    public FlowWait Waiting =>
        _outcome is not null ? FlowWait.Ended
        : !_started ? FlowWait.NotStarted
        : _playing ? FlowWait.Prompt
        : _listening || _timerArmed ? FlowWait.Input
        : _wait;

    /// <summary>Token of the armed timer, or null when none is armed.</summary>
    public int? ActiveTimer => _timerArmed ? _timerToken : null;

    /// <summary>The value of a variable, or null when the current flow does not know the name.</summary>
    public string? GetVariable(string name)
    {
        var slot = _flow.Variables.Find(name);
        return slot < 0 ? null : _values[slot];
    }

    /// <summary>Sets a variable (the host sets <c>queue.position</c> and <c>queue.ewt</c>); false when the flow does not know the name.</summary>
    public bool SetVariable(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slot = _flow.Variables.Find(name);
        if (slot < 0) return false;
        _values[slot] = value;
        return true;
    }

    /// <summary>A snapshot of every variable of the current flow.</summary>
    public IReadOnlyDictionary<string, string> GetVariables()
    {
        var names = _flow.Variables.Names;
        var result = new Dictionary<string, string>(names.Count, StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++) result[names[i]] = _values[i];
        return result;
    }

    /// <summary>Enters the start step. Ignored after the first call.</summary>
    public void Start() => Dispatch(new RunEvent(EventKind.Start));

    /// <summary>The prompt of the last <see cref="PlayEffect"/> finished playing.</summary>
    public void PromptFinished() => Dispatch(new RunEvent(EventKind.PromptFinished));

    /// <summary>The caller pressed a DTMF key (<c>0-9 * # A-D</c>).</summary>
    public void Digit(char key) => Dispatch(new RunEvent(EventKind.Digit, Key: key));

    /// <summary>The recognizer heard <paramref name="text"/> with a confidence between 0 and 1.</summary>
    public void Heard(string text, double confidence) => Dispatch(new RunEvent(EventKind.Heard, Text: text ?? string.Empty, Number: confidence));

    /// <summary>The timer started with <paramref name="token"/> expired; stale tokens are ignored.</summary>
    public void TimerExpired(int token) => Dispatch(new RunEvent(EventKind.Timer, Token: token));

    /// <summary>The queue step ended.</summary>
    public void QueueResult(QueueOutcome outcome) => Dispatch(new RunEvent(EventKind.Queue, Token: (int)outcome));

    /// <summary>The transfer succeeded (the run ends) or failed (the flow goes on at <c>onFailure</c>).</summary>
    public void TransferResult(bool ok) => Dispatch(new RunEvent(EventKind.Transfer, Flag: ok));

    /// <summary>The recording of a message step ended; <paramref name="path"/> goes into <c>message.path</c>.</summary>
    public void RecordingFinished(string path, double seconds) => Dispatch(new RunEvent(EventKind.Recording, Text: path ?? string.Empty, Number: seconds));

    /// <summary>
    /// The message of a message step was recorded but could not be kept (its metadata could not be stored): the step's
    /// <c>onError</c> is taken; without one the run ends with outcome <see cref="FlowOutcome.MessageNotKept"/> and a hangup,
    /// and the host tells the caller (never the flow's confirmation). <paramref name="reason"/> is for the log and timeline.
    /// </summary>
    public void RecordingFailed(string reason) => Dispatch(new RunEvent(EventKind.RecordingFailed, Text: reason ?? string.Empty));

    /// <summary>The host booked the callback (<paramref name="booked"/>) or refused the number.</summary>
    public void CallbackResult(bool booked, string? number) => Dispatch(new RunEvent(EventKind.Callback, Text: number, Flag: booked));

    /// <summary>
    /// The answer to the last <see cref="HttpRequestEffect"/>: a 2xx JSON answer holding every mapped field sets the step's
    /// variables and goes to <c>next</c>; anything else sets <c>http.error</c> and goes to <c>onError</c>.
    /// </summary>
    public void HttpResult(HttpResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Dispatch(new RunEvent(EventKind.Http, Result: result));
    }

    /// <summary>
    /// The caller hung up: the run ends with outcome <c>caller-hangup</c> (or, while talking to an agent in a queue step
    /// with <c>afterAgent</c>, <c>connected:&lt;skill&gt;</c>, as when the run ended at the connection).
    /// </summary>
    public void Hangup() => Dispatch(new RunEvent(EventKind.Hangup));

    /// <summary>
    /// The agent hung up first while the caller was connected in a queue step with <c>afterAgent</c>
    /// (<see cref="FlowWait.Agent"/>): the flow goes on at that step. Ignored anywhere else.
    /// </summary>
    public void AgentLeft() => Dispatch(new RunEvent(EventKind.AgentLeft));

    internal CompiledStep State
    {
        get => _state;
        set => _state = value;
    }

    internal string[] Values => _values;

    internal TimeProvider Time => _time;

    internal int Locale => _flow.LocaleIndex(_values[VariableTable.Language]);

    internal string LocaleName => _flow.Languages[Locale];

    internal CompiledFlow Flow => _flow;

    /// <summary>Behaviour-specific sub-state of the current step (0 on entry).</summary>
    internal byte Phase { get; set; }

    /// <summary>Failed attempts in the current step (0 on entry).</summary>
    internal int Failures { get; set; }

    /// <summary>Which item of the current step is being asked (a survey's question; 0 on entry).</summary>
    internal int Item { get; set; }

    /// <summary>The outcome a caller's hang-up ends the run with in the current step, instead of <c>caller-hangup</c> (null on entry).</summary>
    internal string? HangupOutcome { get; set; }

    internal bool Playing => _playing;

    /// <summary>Sees step entries, edges taken and failed attempts (the simulator's path and coverage, a call's timeline); set it before <see cref="Start"/>.</summary>
    public IFlowRunObserver? Observer { get; set; }

    internal bool Listening => _listening;

    internal int DigitCount => _digitCount;

    /// <summary>Called by the Stateless machine's OnEntry, and directly for a start step.</summary>
    internal void OnStepEntered(CompiledStep step)
    {
        if (++_stepsSinceInput > MaxStepsWithoutInput)
        {
            End(FlowOutcome.LoopGuard, "loop-guard");
            return;
        }
        Phase = 0;
        Failures = 0;
        Item = 0;
        HangupOutcome = null;
        _digitCount = 0;
        _wait = FlowWait.Input;
        Observer?.StepEntered(this, step);
        step.Behavior.Enter(this, step);
    }

    internal void Emit(FlowEffect effect) => _host.Execute(effect);

    /// <summary>Plays prompts; false (and nothing emitted) when the list is empty. <paramref name="phrases"/> are the
    /// step's spoken choices, offered to the host for barge-in when <paramref name="bargeIn"/> is on.</summary>
    internal bool Play(IReadOnlyList<ResolvedPrompt> prompts, bool bargeIn, IReadOnlyList<string>? phrases = null, double minConfidence = 0)
    {
        if (prompts.Count == 0) return false;
        _playing = true;
        Emit(bargeIn && phrases is { Count: > 0 }
            ? new PlayEffect(prompts, bargeIn) { Speech = new ListenEffect(true, phrases, LocaleName, minConfidence) }
            : new PlayEffect(prompts, bargeIn));
        return true;
    }

    internal void StopPlayback()
    {
        if (!_playing) return;
        _playing = false;
        Emit(StopPlaybackEffect.Instance);
    }

    internal void Listen(IReadOnlyList<string> phrases, double minConfidence)
    {
        _listening = true;
        Emit(new ListenEffect(true, phrases, LocaleName, minConfidence));
    }

    internal void StopListening()
    {
        if (!_listening) return;
        _listening = false;
        Emit(StopListeningEffect.Instance);
    }

    internal void StartTimer(TimeSpan after)
    {
        CancelTimer();
        _timerArmed = true;
        Emit(new StartTimerEffect(++_timerToken, after));
    }

    internal void CancelTimer()
    {
        if (!_timerArmed) return;
        _timerArmed = false;
        Emit(new CancelTimerEffect(_timerToken));
    }

    /// <summary>Declares what the step waits for once no prompt, input or timer is active.</summary>
    internal void Await(FlowWait wait) => _wait = wait;

    /// <summary>Leaves the current step through its edge <paramref name="edge"/> once the current handler returns.</summary>
    internal void Go(int edge) => _pendingEdge = edge;

    internal void RequestSubflow(SubflowLink link) => _pendingSubflow = link;

    internal void RequestReturn() => _pendingReturn = true;

    internal void SetValue(int slot, string value) => _values[slot] = value;

    internal void AppendDigit(char key)
    {
        if (_digits is null) _digits = new char[16];
        else if (_digitCount == _digits.Length) Array.Resize(ref _digits, _digits.Length * 2);
        _digits[_digitCount++] = key;
    }

    internal string TakeDigits()
    {
        var s = _digitCount == 0 ? string.Empty : new string(_digits!, 0, _digitCount);
        _digitCount = 0;
        return s;
    }

    internal void ClearDigits() => _digitCount = 0;

    /// <summary>Ends the run: releases media and timers, optionally hangs up, then emits <see cref="EndedEffect"/>.</summary>
    internal void End(string code, string? hangupReason)
    {
        if (_outcome is not null) return;
        ReleaseIo();
        _pendingEdge = -1;
        _pendingSubflow = null;
        _pendingReturn = false;
        if (hangupReason is not null) Emit(new HangupEffect(hangupReason));
        _outcome = new FlowOutcome(code, _started ? _state.Name : null);
        _wait = FlowWait.Ended;
        Emit(new EndedEffect(_outcome));
    }

    private void Dispatch(in RunEvent e)
    {
        if (_outcome is not null) return;
        if (_busy)
        {
            (_deferred ??= new Queue<RunEvent>()).Enqueue(e);
            return;
        }
        _busy = true;
        try
        {
            Handle(e);
            while (_deferred is { Count: > 0 } queue && _outcome is null) Handle(queue.Dequeue());
        }
        finally
        {
            _busy = false;
            _deferred?.Clear();
        }
    }

    private void Handle(in RunEvent e)
    {
        if (e.Kind == EventKind.Start)
        {
            if (_started) return;
            _started = true;
            _state = _flow.Start;
            OnStepEntered(_state);
            Drive();
            return;
        }
        if (e.Kind == EventKind.Hangup)
        {
            End(HangupOutcome ?? FlowOutcome.CallerHangup, null);
            return;
        }
        if (!_started) return;
        var step = _state;
        var behavior = step.Behavior;
        switch (e.Kind)
        {
            case EventKind.PromptFinished:
                if (!_playing) return;
                _playing = false;
                behavior.PromptFinished(this, step);
                break;
            case EventKind.Digit:
                _stepsSinceInput = 0;
                behavior.Digit(this, step, e.Key);
                break;
            case EventKind.Heard:
                _stepsSinceInput = 0;
                behavior.Heard(this, step, e.Text!, e.Number);
                break;
            case EventKind.Timer:
                if (!_timerArmed || e.Token != _timerToken) return;
                _timerArmed = false;
                behavior.TimerExpired(this, step);
                break;
            case EventKind.Queue:
                behavior.QueueResult(this, step, (QueueOutcome)e.Token);
                break;
            case EventKind.Transfer:
                behavior.TransferResult(this, step, e.Flag);
                break;
            case EventKind.Recording:
                behavior.RecordingFinished(this, step, e.Text!, e.Number);
                break;
            case EventKind.RecordingFailed:
                behavior.RecordingFailed(this, step, e.Text!);
                break;
            case EventKind.Callback:
                behavior.CallbackResult(this, step, e.Flag, e.Text);
                break;
            case EventKind.Http:
                behavior.HttpResult(this, step, e.Result!);
                break;
            case EventKind.AgentLeft:
                behavior.AgentLeft(this, step);
                break;
        }
        Drive();
    }

    /// <summary>Performs the transitions the behaviours asked for, one synchronous Stateless fire at a time.</summary>
    private void Drive()
    {
        while (_outcome is null)
        {
            if (_pendingEdge >= 0)
            {
                var edges = _state.EdgeArray;
                var index = _pendingEdge;
                _pendingEdge = -1;
                if ((uint)index >= (uint)edges.Length) continue;
                ReleaseIo();
                Observer?.EdgeTaken(this, edges[index]);
                var flow = _flow;
                var lease = flow.Rent();
                lease.Run = this;
                try
                {
                    lease.Machine.Fire(edges[index]);
                }
                finally
                {
                    flow.Return(lease);
                }
            }
            else if (_pendingSubflow is { } link)
            {
                _pendingSubflow = null;
                EnterSubflow(link);
            }
            else if (_pendingReturn)
            {
                _pendingReturn = false;
                ReturnFromSubflow();
            }
            else
            {
                return;
            }
        }
    }

    private void EnterSubflow(SubflowLink link)
    {
        _frames ??= [];
        if (_frames.Count >= MaxSubflowDepth)
        {
            End("error:subflow-depth", "error");
            return;
        }
        ReleaseIo();
        _frames.Add(new Frame(_flow, _state, _values, link));
        var child = link.Child.Variables.NewValues();
        for (var i = 0; i < link.ChildSlots.Length; i++) child[link.ChildSlots[i]] = _values[link.ParentSlots[i]];
        _flow = link.Child;
        _values = child;
        _state = link.Child.Start;
        OnStepEntered(_state);
    }

    private void ReturnFromSubflow()
    {
        if (_frames is not { Count: > 0 })
        {
            End(FlowOutcome.Returned, "normal");
            return;
        }
        ReleaseIo();
        var frame = _frames[^1];
        _frames.RemoveAt(_frames.Count - 1);
        var link = frame.Link;
        for (var i = 0; i < link.ChildSlots.Length; i++) frame.Values[link.ParentSlots[i]] = _values[link.ChildSlots[i]];
        _flow = frame.Flow;
        _values = frame.Values;
        _state = frame.Step;
        Go(0);
    }

    private void ReleaseIo()
    {
        StopPlayback();
        StopListening();
        CancelTimer();
    }

    private enum EventKind : byte
    {
        Start,
        PromptFinished,
        Digit,
        Heard,
        Timer,
        Queue,
        Transfer,
        Recording,
        RecordingFailed,
        Callback,
        Http,
        Hangup,
        AgentLeft,
    }

    private readonly record struct RunEvent(
        EventKind Kind, char Key = '\0', string? Text = null, double Number = 0, int Token = 0, bool Flag = false, HttpResult? Result = null);

    private sealed record Frame(CompiledFlow Flow, CompiledStep Step, string[] Values, SubflowLink Link);
}
