using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Ops;
using Ivr.Tests.Calls;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Ops;

/// <summary>What a call reports for operations, with real actors: call counts, flow counts, actor counts and its timeline.</summary>
public class CallOpsTests(ITestOutputHelper output) : CallTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly CallOps _ops = CallOps.Detached();

    [Fact]
    public void HotlineCall_IsCounted_AndItsTimelineKeepsStepsPromptsInputsRetriesAndTheQueue()
    {
        var manager = StartOpsManager();
        var session = Call(manager);
        var media = MediaOf(0);
        var version = CallTestFlows.Catalog.Find("hotline")!.Version;

        AwaitPlaying(media, "en-US/welcome.wav");
        AwaitAssert(() => Assert.Equal(("in-flow", "welcome"), (_ops.Board.Live().Single().State, _ops.Board.Live().Single().Step)), Wait);
        media.FinishClip();
        AwaitPlaying(media, "en-US/language_english.wav");
        media.Press('1');
        AwaitPlaying(media, "en-US/main_menu.wav");
        media.Press('9');
        AwaitAssert(() => Assert.Equal(1, _ops.Flows.NoMatch.Get("hotline", "main_menu")), Wait);
        media.Press('2');
        AwaitPlaying(media, "en-US/connect_support.wav");
        media.FinishClip();
        AwaitAssert(() => Assert.Equal(("queued", "queue_support"), (_ops.Board.Live().Single().State, _ops.Board.Live().Single().Step)), Wait);
        Assert.Equal((1L, 1L, 1L), (Metrics.Active, Metrics.Started, Metrics.Answered));
        Assert.Equal(1, _ops.Actors.Live(CallActor.ActorType));

        session.CallerHangsUp();

        AwaitAssert(() => Assert.Equal(0, Metrics.Active), Wait);
        Assert.Equal(1, Metrics.Ended.Get("caller-hangup"));
        Assert.Equal(1, _ops.Flows.Calls.Get("hotline", version));
        Assert.Equal(1, _ops.Flows.StepVisits.Get("hotline", "main_menu"));
        Assert.Equal(1, _ops.Flows.StepVisits.Get("hotline", "queue_support"));
        Assert.Equal(1, _ops.Flows.Outcomes.Get("hotline", "caller-hangup"));
        AwaitAssert(() => Assert.Equal(0, _ops.Actors.Live(CallActor.ActorType)), Wait);
        Assert.True(_ops.Actors.Messages.Get(CallActor.ActorType) >= 6, "every DTMF, clip end and answer is a message of the call actor");

        var ended = Assert.Single(_ops.Board.Recent());
        Assert.Equal(("ended", "caller-hangup", "queue_support"), (ended.State, ended.Outcome, ended.Step));
        Assert.Empty(_ops.Board.Live());
        var timeline = _ops.Board.Find(session.CallId)!.Entries();
        var story = timeline.Select(e => $"{e.Kind} {e.Step}: {e.Detail}").ToList();
        Assert.Contains("step welcome: play", story);
        Assert.Contains("prompt welcome: en-US/welcome.wav", story);
        Assert.Contains("input choose_language: DTMF 1", story);
        Assert.Contains("input main_menu: DTMF 9", story);
        Assert.Contains("retry main_menu: no-match (attempt 1)", story);
        Assert.Contains("queue queue_support: enqueue for support (priority 5)", story);
        Assert.Contains("outcome queue_support: caller-hangup", story);
        Assert.Equal("call : ended: caller-hangup", story[^1]);
        Assert.Equal(timeline.OrderBy(e => e.At).ToList(), timeline);
    }

    [Fact]
    public void RejectedInvite_IsCountedByStatus_AndNeverBecomesALiveCall()
    {
        var manager = StartOpsManager();

        var session = Call(manager, "nobody");

        AwaitAssert(() => Assert.Equal(404, session.RejectedWith), Wait);
        Assert.Equal(1, Metrics.Rejected.Get("404"));
        Assert.Equal((0L, 0L), (Metrics.Started, Metrics.Active));
        Assert.Empty(_ops.Board.Live());
    }

    [Fact]
    public void Board_KeepsOnlyTheLastEndedCalls()
    {
        var flows = new FlowMetrics();
        var board = new CallBoard(TimeProvider.System, flows, recentCalls: 2);
        var timelines = Enumerable.Range(1, 3).Select(i => board.Open(new Ivr.Flows.Runtime.CallInfo($"c{i}", "100"), "f", "1")).ToList();

        foreach (var t in timelines) board.Close(t, "done");

        Assert.Equal(["c3", "c2"], board.Recent().Select(c => c.CallId));
        Assert.Null(board.Find("c1"));
        Assert.Equal("done", board.Find("c2")!.Summary.Outcome);
        flows.Dispose();
    }

    private IActorRef StartOpsManager()
    {
        var services = new CallServices(CallTestFlows.Prompts, new FakeTimeProvider(CallTestFlows.OfficeOpen), NullLoggerFactory.Instance, Metrics, RecordingsFolder)
        {
            Words = CallTestFlows.Words,
            Ops = _ops,
        };
        return Sys.ActorOf(CallManager.Props(CallTestFlows.Settings, CallTestFlows.Catalog, Media, services), "calls");
    }
}
