using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Calls.Queue;
using Ivr.Engine.Integrations.Http;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// The host of a call's <see cref="FlowRun"/>: executes each effect of the run through the call's components — prompts on
/// <see cref="CallPlayback"/>, listening on <see cref="SpeechTurns"/>, the queue and callback bookings on
/// <see cref="QueueDialogue"/>, messages on <see cref="CallRecorder"/>, <c>http</c> steps on <see cref="HttpStepClient"/> — and
/// owns the flow's timer, REFER transfers and HTTP requests, whose results come back as messages that the actor hands here.
/// Runs on the actor's thread only: an HTTP request's continuation only posts a message to the actor, and the answer is
/// read from the finished task when that message is handled here.
/// </summary>
/// <param name="call">The call's shared context.</param>
/// <param name="queue">The call's side of the skill router.</param>
/// <param name="recorder">The call's recordings.</param>
/// <param name="ended">Called when the run ends, with its outcome (the actor ends or keeps the call).</param>
internal sealed class CallFlowHost(CallContext call, QueueDialogue queue, CallRecorder recorder, Action<FlowOutcome> ended) : IFlowHost, IFlowRunObserver
{
    private const string FlowTimer = "flow-timer";
    private const string HttpBackstopTimer = "http-backstop";

    /// <summary>How long past an http step's timeout the runtime waits before it answers <c>timeout</c> itself (a lost answer).</summary>
    internal static readonly TimeSpan HttpBackstopMargin = TimeSpan.FromSeconds(5);

    private readonly CallerLookup _caller = new(call);
    private int _httpRequests;
    private PendingHttp? _http;
    private HttpJudging? _judging;

    /// <summary>The flow run (null before <see cref="Start"/>).</summary>
    public FlowRun? Run { get; private set; }

    /// <summary>
    /// True while the caller's history is still being read (the answer waits: <see cref="CallerKnown"/> comes to the actor
    /// when it is there, within <see cref="CallServices.CallerLookupTimeout"/>).
    /// </summary>
    public bool CallerPending() => _caller.Pending(call.Self);

    /// <summary>Creates the run on the call's flow version, with the caller's history, and starts it (the call is answered).</summary>
    public void Start()
    {
        var contacts = _caller.Contacts;
        if (contacts.Last7d > 0)
            call.Timeline.Note("caller", null, string.Create(CultureInfo.InvariantCulture,
                $"returning: {contacts.Last24h} contact(s) in 24 h, {contacts.Last7d} in 7 days; last agent {contacts.LastAgent ?? "none"}, last contact {contacts.LastContactMinutesAgo} min ago"));
        Run = call.Setup.Flow.CreateRun(this, call.Setup.Call with { Contacts = contacts }, call.Services.Time);
        // This host watches the run for the judgement of http answers, and passes everything on to the call's timeline.
        Run.Observer = this;
        Run.Start();
    }

    /// <summary>Executes one effect of the flow run (called synchronously from inside the run's event methods).</summary>
    public void Execute(FlowEffect effect)
    {
        var run = Run;
        call.Timeline.Effect(effect, run?.CurrentFlow, run?.CurrentStep);
        switch (effect)
        {
            case PlayEffect play:
                // Listening first: speech from the prompt's first packet on can barge in.
                if (play.Speech is { } promptListen) call.Speech.Listen(promptListen, bargeIn: true, run?.CurrentStep);
                else call.Speech.End();
                call.Playback.PlayPrompts(PlaybackKind.Flow, play.Prompts, call.Services.Prompts, call.Self, call.Log);
                break;
            case StopPlaybackEffect:
                if (call.Playback.Kind == PlaybackKind.Flow) call.Playback.Stop();
                break;
            case ListenEffect listen when listen.Phrases.Count > 0:
                call.Speech.Listen(listen, bargeIn: false, run?.CurrentStep);
                break;
            case ListenEffect or StopListeningEffect:
                call.Speech.End();
                break;
            case StartTimerEffect timer:
                call.Timers.StartSingleTimer(FlowTimer, new FlowTimerFired(timer.Token), timer.After);
                break;
            case CancelTimerEffect:
                call.Timers.Cancel(FlowTimer);
                break;
            case EnqueueEffect enqueue:
                queue.Enqueue(enqueue);
                break;
            case TransferEffect { Method: TransferMethod.Refer } transfer:
                call.Leg.ReferAsync(transfer.Uri, CancellationToken.None).PipeTo(call.Self,
                    success: accepted => new ReferCompleted(accepted, null), failure: ex => new ReferCompleted(false, ex));
                break;
            case TransferEffect transfer:
                call.Log.LogWarning("Bridged transfer to {Target} needs the router and media bridge; not available, the transfer fails", transfer.Uri);
                run!.TransferResult(false);
                break;
            case RecordEffect record:
                recorder.Record(record);
                break;
            case BookCallbackEffect callback:
                queue.Book(callback);
                break;
            case HttpRequestEffect http:
                SendHttp(http);
                break;
            case SurveyEffect survey:
                CallSurvey.Note(call, queue, survey);
                break;
            case HangupEffect hangup:
                call.Log.LogDebug("Flow hangs up: {Reason}", hangup.Reason);
                break;
            case EndedEffect end:
                CancelHttp();
                ended(end.Outcome);
                break;
            default:
                call.Log.LogWarning("Effect {Effect} is not supported by the call actor; ignored", effect.GetType().Name);
                break;
        }
    }

    /// <summary>The flow's timer fired: held while the caller speaks (the result decides), else given to the run.</summary>
    public void TimerFired(FlowTimerFired m)
    {
        if (call.Speech.HoldTimer(m) || Run is not { } run) return;
        if (run.ActiveTimer == m.Token)
            call.Log.LogInformation("Timeout at {Step}: no input (at {AudioAt} of the caller's audio)", run.CurrentStep, call.Speech.AudioNow());
        call.Guard(r => r.TimerExpired(m.Token));
    }

    /// <summary>The REFER was answered (or failed): the run learns whether the caller was transferred.</summary>
    public void ReferCompleted(ReferCompleted m)
    {
        if (m.Failure is not null) call.Log.LogWarning(m.Failure, "REFER failed");
        call.Guard(run => run.TransferResult(m.Accepted));
    }

    /// <summary>
    /// The call is over (the caller hung up, the call was ended, or its actor stopped): a pending http request is cancelled,
    /// which frees its connection and is not counted as a failure of the service. The call actor calls this from <c>PostStop</c>.
    /// </summary>
    public void CallEnded() => CancelHttp();

    /// <inheritdoc />
    void IFlowRunObserver.StepEntered(FlowRun run, CompiledStep step) => call.Timeline.StepEntered(run, step);

    /// <inheritdoc />
    void IFlowRunObserver.EdgeTaken(FlowRun run, FlowTrigger edge) => call.Timeline.EdgeTaken(run, edge);

    /// <inheritdoc />
    void IFlowRunObserver.AttemptFailed(FlowRun run, CompiledStep step, bool noMatch, int attempt) => call.Timeline.AttemptFailed(run, step, noMatch, attempt);

    /// <summary>The run judged an http answer: a 2xx it could not use, or a path it refused, is counted, noted and logged here.</summary>
    void IFlowRunObserver.HttpAnswered(FlowRun run, CompiledStep step, HttpResult result, string? error)
    {
        // The first report after an answer was handed over is its judgement; any other is a step the run refused itself.
        var answer = _judging;
        _judging = null;
        if (answer is null)
        {
            if (error != HttpErrors.BadPath) return;
            // Refused by the run before any request: a caller's value was empty, "." or ".." in a path segment.
            call.Timeline.Note("http", step.Name, "bad-path: a value in the path is empty, . or ..; not sent");
            call.Log.LogWarning("http step {Step}: a value in the path is empty, \".\" or \"..\"; not sent (bad-path); onError", step.Name);
            call.Services.Http?.Metrics.Completed(StepService(step), HttpErrors.BadPath, TimeSpan.Zero);
            return;
        }
        if (result.Error is not null || error is not (HttpErrors.BadJson or HttpErrors.MissingField)) return;
        var request = answer.Request;
        call.Services.Http?.Metrics.Unusable.Add(request.Service, error);
        call.Timeline.Note("http", request.Step, $"answer not usable: {error}");
        call.Log.LogWarning("http step {Step}: {Method} {Url} answered {Status} but {Error}; onError", request.Step, Verb(request), answer.Url, result.Status,
            error == HttpErrors.BadJson ? "the body is not JSON (bad-json)" : "a mapped field is missing (missing-field)");
    }

    /// <summary>
    /// Starts an <c>http</c> step's request. Its completion comes back to the call actor as <see cref="Calls.HttpAnswered"/> with
    /// the request's number, which the actor hands to <see cref="HttpCompleted"/>: the answer reaches the run on the actor's thread.
    /// </summary>
    private void SendHttp(HttpRequestEffect request)
    {
        if (call.Services.Http is not { } client)
        {
            call.Log.LogWarning("http step {Step}: no HTTP client in this engine; onError (no-service)", request.Step);
            call.Timeline.Note("http", request.Step, $"{request.Service}: no-service");
            Run!.HttpResult(HttpResult.Failed(HttpErrors.NoService));
            return;
        }
        CancelHttp();
        var number = ++_httpRequests;
        var cancel = new CancellationTokenSource();
        var task = client.SendAsync(request, cancel.Token);
        _http = new PendingHttp(number, request, task, cancel);
        task.PipeTo(call.Self, success: _ => new HttpAnswered(number), failure: _ => new HttpAnswered(number));
        // A backstop: should the answer never come back (a lost message), the caller is not left waiting in the step.
        call.Timers.StartSingleTimer(HttpBackstopTimer, new HttpAnswered(number), request.Timeout + HttpBackstopMargin);
    }

    /// <summary>
    /// The request numbered <c>m.Number</c> finished, or its backstop fired first: the answer (or <c>timeout</c>)
    /// goes to the run, which judges it and reports back through <see cref="IFlowRunObserver.HttpAnswered"/>. A stale number is dropped.
    /// </summary>
    public void HttpCompleted(HttpAnswered m)
    {
        if (_http is not { } pending || pending.Number != m.Number || Run is null) return;
        _http = null;
        call.Timers.Cancel(HttpBackstopTimer);
        var request = pending.Request;
        HttpStepAnswer answer;
        if (pending.Task.IsCompletedSuccessfully) answer = pending.Task.Result;
        else if (!pending.Task.IsCompleted)
        {
            call.Log.LogWarning("http step {Step}: no answer {Seconds} s past the step's timeout; onError (timeout)", request.Step, HttpBackstopMargin.TotalSeconds);
            answer = new HttpStepAnswer(HttpResult.Failed(HttpErrors.Timeout), request.Path, request.Timeout + HttpBackstopMargin);
        }
        else
        {
            call.Log.LogError(pending.Task.Exception?.GetBaseException(), "http step {Step}: the request failed unexpectedly", request.Step);
            answer = new HttpStepAnswer(HttpResult.Failed(HttpErrors.Network), request.Path, TimeSpan.Zero);
        }
        pending.Cancel.Cancel();
        pending.Cancel.Dispose();
        var result = answer.Result;
        call.Timeline.Note("http", request.Step, $"{Verb(request)} {answer.Url} → {result.Error ?? result.Status.ToString(CultureInfo.InvariantCulture)} in {answer.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms");
        _judging = new HttpJudging(request, answer.Url);
        try
        {
            call.Guard(r => r.HttpResult(result));
        }
        finally
        {
            _judging = null;
        }
    }

    /// <summary>Cancels the pending request, if any (its late completion is then a stale number and dropped).</summary>
    private void CancelHttp()
    {
        if (_http is not { } pending) return;
        _http = null;
        call.Timers.Cancel(HttpBackstopTimer);
        pending.Cancel.Cancel();
        // Not disposed here: the request's task may still observe the token; it is dropped with it.
    }

    private static string StepService(CompiledStep step) => step.Step is HttpStep http ? http.Service : step.Name;

    private static string Verb(HttpRequestEffect request) => request.Method == HttpStepMethod.Post ? "POST" : "GET";

    private sealed record HttpJudging(HttpRequestEffect Request, string Url);

    private sealed record PendingHttp(int Number, HttpRequestEffect Request, Task<HttpStepAnswer> Task, CancellationTokenSource Cancel);
}
