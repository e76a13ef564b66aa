using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Calls.Queue;
using Ivr.Engine.Flows;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Calls;

/// <summary>
/// One answered call's components wired as <see cref="CallActor"/> wires them — flow host, playback, speech turns, queue
/// dialogue, recorder — over the in-process SIP and media seams, without an actor system: the test plays the actor's part,
/// reading what was told to the call (<see cref="Self"/>) or the router (<see cref="Router"/>), firing timers by hand
/// (<see cref="Timers"/>) on a fake clock, and handing each message to the component that owns it.
/// </summary>
internal sealed class CallComponentRig : IDisposable
{
    private static readonly Lazy<LiveFlows> TestFlows = new(LoadFlows);
    private readonly CallMetrics _metrics = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-call-components-").FullName;

    /// <summary>A call on flow <paramref name="flowId"/> (of TestData/calls), with a router unless <paramref name="router"/> is false.</summary>
    public CallComponentRig(string flowId, bool router = true, CallSpeech? speech = null, MediaDirection direction = MediaDirection.SendRecv)
    {
        var flow = TestFlows.Value.Find(flowId) ?? throw new InvalidOperationException("no test flow " + flowId);
        var remote = new IPEndPoint(IPAddress.Loopback, 40000);
        var negotiated = new NegotiatedMedia(new MediaFormat(AudioCodec.Pcmu, 0, 20, 101), remote, new IPEndPoint(IPAddress.Loopback, 40001), direction);
        var call = new CallInfo(CallId, "+15555550100", "Ada", flowId);
        Session = new InProcessInviteSession(CallId, flowId);
        Media = new InProcessMediaSession(negotiated);
        Services = new CallServices(CallTestFlows.Prompts, Time, NullLoggerFactory.Instance, _metrics, Path.Combine(_folder, "recordings"))
        {
            Words = CallTestFlows.Words,
            Speech = speech ?? CallSpeech.None,
            Router = router ? Router : null,
            MessagesFolder = Path.Combine(_folder, "messages"),
        };
        var setup = new CallSetup(Session, Media, negotiated, "v=0", flow, call, Services);
        var log = NullLogger.Instance;
        Leg = new InboundLeg(Session, Media, log);
        Leg.Attach(new CallLegListener(Self, agent: false));
        Playback = new CallPlayback(Leg);
        var timeline = Services.Ops.Board.Open(call, flow.Id, flow.Version);
        var context = new CallContext(setup, Leg, Playback, () => Speech!, () => Timers, Self, () => Flow!.Run, Guard, timeline, log);
        Queue = new QueueDialogue(context);
        Speech = new SpeechTurns(context, Queue.Answered);
        Recorder = new CallRecorder(context);
        Flow = new CallFlowHost(context, Queue, Recorder, outcome => Outcome = outcome);
    }

    public const string CallId = "component-1@test";

    public FakeTimeProvider Time { get; } = new(CallTestFlows.OfficeOpen);

    public ManualTimers Timers { get; } = new();

    /// <summary>What the components told the call actor (replies, leg events, piped results), in order.</summary>
    public MailboxRef Self { get; } = new("call");

    /// <summary>What the components told the skill router, in order.</summary>
    public MailboxRef Router { get; } = new("router");

    public InProcessInviteSession Session { get; }

    public InProcessMediaSession Media { get; }

    public CallServices Services { get; }

    public InboundLeg Leg { get; }

    public CallPlayback Playback { get; }

    public CallFlowHost Flow { get; }

    public QueueDialogue Queue { get; }

    public SpeechTurns Speech { get; }

    public CallRecorder Recorder { get; }

    /// <summary>The flow's outcome once its run ended, else null.</summary>
    public FlowOutcome? Outcome { get; private set; }

    /// <summary>What the guard caught (the actor would fail the call on it): a test expects none.</summary>
    public List<Exception> Failures { get; } = [];

    /// <summary>The step the run is at.</summary>
    public string? Step => Flow.Run?.CurrentStep;

    public string MessagesFolder => Services.MessagesFolder!;

    /// <summary>Plays what is queued to its end; the end as the actor receives it: the kind of playback that ended (None when stale).</summary>
    public PlaybackKind FinishPlaying()
    {
        var before = Self.All<LegPlayed>().Count;
        for (var clips = 0; clips < 32 && Media.Current is not null && Self.All<LegPlayed>().Count == before; clips++) Media.FinishClip();
        var played = Self.All<LegPlayed>();
        return played.Count > before ? Playback.Finished(played[^1].Play) : PlaybackKind.None;
    }

    public void Dispose()
    {
        Speech.Dispose();
        Recorder.Stop();
        _metrics.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NullReferenceException)
        {
            Failures.Add(ex);
        }
    }

    private static LiveFlows LoadFlows()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-component-flows-").FullName;
        foreach (var name in new[] { "message.json", "message-onerror.json", "queue-offer.json", "queue-callback.json", "speech-menu.json", "callback.json" })
            File.Copy(RepoPaths.TestData("calls", name), Path.Combine(folder, name));
        var flows = new LiveFlows(folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        if (flows.Ids.Count != 6) throw new InvalidOperationException("the component test flows did not all load: " + string.Join(", ", flows.Ids));
        return flows;
    }
}
