using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Media;
using Ivr.Engine.Metrics;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// Takes incoming calls: <see cref="CallAdmission"/> decides (drain, capacity, flow by dialled number, SDP offer), then the
/// manager reserves the media, writes the SDP answer at the reserved port and spawns one <see cref="CallActor"/> per dialog,
/// named after its Call-ID. It watches them, keeps the live count (<see cref="GetLiveCalls"/>) and drains
/// (<see cref="Drain"/>). A failed call actor is stopped, never restarted, and no other call is touched.
/// </summary>
public sealed partial class CallManager : MeteredActor, IWithTimers
{
    private const string DrainTimer = "drain";
    private const string DrainGraceTimer = "drain-grace";
    private const string DrainCheckTimer = "drain-check";
    private static readonly TimeSpan DrainCheckInterval = TimeSpan.FromMilliseconds(500);

    private readonly CallManagerSettings _settings;
    private readonly IFlowCatalog _flows;
    private readonly IMediaSessionFactory _mediaFactory;
    private readonly CallServices _services;
    private readonly ILogger _log;
    private readonly Dictionary<IActorRef, string> _calls = [];
    private readonly List<IActorRef> _drainWaiters = [];
    private bool _draining;
    private bool _drainTimerStarted;
    private bool _drainTimedOut;
    private long _started;
    private long _failed;
    private long _rejected;
    private int _nameSuffix;

    /// <summary>Registers the handlers.</summary>
    public CallManager(CallManagerSettings settings, IFlowCatalog flows, IMediaSessionFactory mediaFactory, CallServices services)
        : base(services.Ops.Actors, ActorType)
    {
        _settings = settings;
        _flows = flows;
        _mediaFactory = mediaFactory;
        _services = services;
        _log = services.Logging.CreateLogger<CallManager>();

        Receive<IncomingCall>(OnIncomingCall);
        Receive<AgiCallArrived>(OnAgiCall);
        Receive<Terminated>(OnTerminated);
        Receive<CallEnded>(OnCallEnded);
        Receive<GetLiveCalls>(_ => Sender.Tell(new LiveCallsResult(_calls.Count, _started, _failed, _rejected, _draining)));
        Receive<Drain>(OnDrain);
        Receive<DrainTimedOut>(_ => OnDrainTimedOut());
        Receive<DrainGraceEnded>(_ => CompleteDrain(timedOut: true));
        Receive<DrainCheck>(_ => CheckDrain());
        // The cluster's router started again elsewhere: every live call re-announces what it holds to it.
        Receive<RouterIncarnation>(m =>
        {
            foreach (var call in _calls.Keys) call.Tell(m);
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The props of the call manager.</summary>
    public static Props Props(CallManagerSettings settings, IFlowCatalog flows, IMediaSessionFactory mediaFactory, CallServices services)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(mediaFactory);
        ArgumentNullException.ThrowIfNull(services);
        return Akka.Actor.Props.Create(() => new CallManager(settings, flows, mediaFactory, services));
    }

    /// <summary>A call actor that throws is stopped (its PostStop ends the call cleanly); restarting mid-dialog is never right.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex => Directive.Stop);

    private void OnIncomingCall(IncomingCall m)
    {
        var session = m.Session;
        var callId = session.CallId;
        Admission admission;
        try
        {
            admission = CallAdmission.Decide(session.Invite, session.Remote.Protocol, callId, _settings, _flows, _calls.Count, _draining);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Admitting call {CallId} failed", callId);
            Reject(session, 500, "admission failed", []);
            return;
        }

        if (!admission.IsAccepted)
        {
            Reject(session, admission.StatusCode, admission.Reason, admission.Headers);
            return;
        }

        IMediaReservation? reservation = null;
        IMediaSession? media = null;
        try
        {
            // The stream was chosen at admission; with the port reserved only the answer is left to write.
            reservation = _mediaFactory.Reserve();
            var local = reservation.LocalEndPoint;
            var answer = SdpNegotiator.WriteAnswer(admission.Sdp!, local.Address, local.Port);
            if (admission.KeysOverPlainSignalling)
            {
                // RFC 4568 §8.3: whoever reads this SIP can decrypt the call (Media:SrtpKeysOverPlainSignalling = warn).
                _log.LogWarning("Call {CallId}: SRTP keys answered over {Transport} signalling, not TLS", callId, session.Remote.Protocol);
                _services.Metrics.SrtpKeysOverPlainSignalling("inbound");
            }

            media = reservation.Open(admission.Media!);
            Spawn(new CallSetup(session, media, admission.Media!, answer.ToString(), admission.Flow!, admission.Call!, _services));
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Setting up call {CallId} failed", callId);
            media?.Close();
            reservation?.Dispose();
            Reject(session, 503, "media unavailable", [CallAdmission.RetryAfter(_settings)]);
        }
    }

    // One call actor per call, named after its Call-ID (a suffix when a previous one of that name is still stopping), watched.
    private void Spawn(CallSetup setup)
    {
        var callId = setup.Call.CallId;
        var name = ActorNames.FromCallId(callId);
        if (!Context.Child(name).IsNobody()) name += "~" + (++_nameSuffix).ToString(CultureInfo.InvariantCulture);
        var child = Context.ActorOf(CallActor.Props(setup), name);
        Context.Watch(child);
        _calls[child] = callId;
        _started++;
        OpsCallStarted(child);
    }

    private void OnTerminated(Terminated m)
    {
        // A call actor that died without its CallEnded (it failed to start) still ends its call in the metrics.
        OpsCallEnded(m.ActorRef, "stopped");
        if (_calls.Remove(m.ActorRef)) CheckDrain();
    }

    private void OnCallEnded(CallEnded m)
    {
        if (m.Failed) _failed++;
        OpsCallEnded(Sender, m.Outcome);
    }

    private void OnDrain(Drain m)
    {
        var first = !_draining;
        _draining = true;
        // Closed first: clustered, the intake's Closed event asks the router's gateway to hand the router off before the stop
        // below reaches it, so a router handed off gets the stop from another node (and ignores it) instead of keeping it.
        _services.Intake.Close();
        if (first)
        {
            _log.LogInformation("Draining: new calls get 503; {Live} live calls", _calls.Count);
            // A node that stops taking calls dials no new callback either: the router keeps them for the next node or start.
            _services.Router?.Tell(StopDiallingCallbacks.Instance);
        }
        if (!Sender.IsNobody()) _drainWaiters.Add(Sender);
        // A drain asked with no time left (a second Ctrl-C) hangs up at once, whatever timer the first one started.
        if (!_drainTimerStarted || m.Timeout == TimeSpan.Zero)
        {
            _drainTimerStarted = true;
            Timers.StartSingleTimer(DrainTimer, DrainTimedOut.Instance, m.Timeout ?? _settings.DrainTimeout);
        }
        CheckDrain();
    }

    private void OnDrainTimedOut()
    {
        _drainTimedOut = true;
        _log.LogWarning("Drain timeout: hanging up {Live} calls", _calls.Count);
        foreach (var call in _calls.Keys) call.Tell(new EndCall("drain-timeout"));
        Timers.StartSingleTimer(DrainGraceTimer, DrainGraceEnded.Instance, _settings.DrainGrace);
    }

    private void CheckDrain()
    {
        if (!_draining || _calls.Count > 0 || _drainWaiters.Count == 0) return;
        // Callback calls are the dialler's actors, not this manager's: they are on the board. A drain waits for them
        // too (a customer talking to an agent is not cut because the inbound calls are over), until its timeout.
        if (!_drainTimedOut && LiveCallbacks() > 0)
        {
            Timers.StartSingleTimer(DrainCheckTimer, DrainCheck.Instance, DrainCheckInterval);
            return;
        }
        CompleteDrain(_drainTimedOut);
    }

    private int LiveCallbacks() => _services.Ops.Board.Live().Count(c => c.Kind == CallBoard.CallbackKind);

    private void CompleteDrain(bool timedOut)
    {
        Timers.Cancel(DrainTimer);
        Timers.Cancel(DrainGraceTimer);
        Timers.Cancel(DrainCheckTimer);
        _log.LogInformation("Drain complete: {Live} calls left", _calls.Count);
        foreach (var waiter in _drainWaiters) waiter.Tell(new DrainCompleted(_calls.Count, timedOut));
        _drainWaiters.Clear();
    }

    private void Reject(IInviteSession session, int statusCode, string reason, IReadOnlyList<SipHeader> headers)
    {
        _rejected++;
        _services.Metrics.CallRejected(statusCode);
        _log.LogInformation("Call {CallId} rejected with {Status}: {Reason}", session.CallId, statusCode, reason);
        try
        {
            session.Reject(statusCode, headers.Count == 0 ? null : headers);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            _log.LogWarning(ex, "Could not reject call {CallId}", session.CallId);
        }
    }
}
