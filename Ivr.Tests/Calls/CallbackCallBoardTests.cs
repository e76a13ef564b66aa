using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Stack;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// A callback attempt (the real <see cref="CallbackCall"/> actor over the real SIP stack on loopback) is on the live-calls
/// board from its customer's first ring: a sipp UAS that rings and never answers is the customer's phone. The attempt is
/// closed with <c>no-answer</c> when the ring times out, and with <c>stopped</c> when its actor stops mid-ring (no ghost).
/// The bridged case runs end to end in <c>RouterCallbackTests</c>.
/// </summary>
public sealed class CallbackCallBoardTests : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly FlowMetrics _flows = new();
    private readonly CallBoard _board;
    private readonly SipStack _stack = new(new SipStackSettings { Port = 0, EnableTcp = false }, NullLoggerFactory.Instance);
    private readonly int _customerPort = SippProcess.FreeUdpPort();

    public CallbackCallBoardTests(ITestOutputHelper output)
        : base(string.Empty, output)
    {
        _board = new CallBoard(TimeProvider.System, _flows);
    }

    public Task InitializeAsync() => _stack.StartAsync(CancellationToken.None);

    [Fact]
    public async Task CustomerNeverAnswers_TheAttemptIsListedRinging_ThenClosedWithNoAnswer()
    {
        using var phone = RingingPhone();
        Sys.ActorOf(CallbackCall.Props(Settings(TimeSpan.FromSeconds(2)), Job(7, attempt: 2), TestActor));

        var ringing = AwaitLive("callback-7-2");
        Assert.Equal(("callback", "outbound", "ringing", "+33612345678"), (ringing.Kind, ringing.Direction, ringing.State, ringing.To));
        Assert.Equal((7L, 2, CallBoard.CallbackFlow, "billing"), (ringing.CallbackId, ringing.Attempt, ringing.Flow, ringing.Skill));
        Assert.Equal(1, _board.LiveByState()["ringing"]);

        var finished = ExpectMsg<CallbackDialFinished>(Bound);
        Assert.Equal(CallbackAttemptResult.NoAnswer, finished.Result);
        Assert.True(await phone.WaitAsync(Bound) == 0, "the customer's sipp failed:\n" + phone.Output);
        AwaitAssert(() => Assert.Empty(_board.Live()), Bound);
        var ended = Assert.Single(_board.Recent());
        Assert.Equal(("callback-7-2", "ended", "no-answer"), (ended.CallId, ended.State, ended.Outcome));
        Assert.Null(ended.AnsweredAt);
        var story = _board.Find("callback-7-2")!.Entries().Select(e => e.Detail).ToList();
        Assert.Contains(story, d => d.StartsWith("callback 7 attempt 2 for billing: ringing the customer at +33612345678", StringComparison.Ordinal));
        Assert.Contains(story, d => d.StartsWith("customer not reached", StringComparison.Ordinal));
        Assert.Equal("ended: no-answer", story[^1]);
        // A callback runs no flow: it is no flow's call, step or outcome.
        Assert.Empty(_flows.Calls.Snapshot());
        Assert.Empty(_flows.Outcomes.Snapshot());
    }

    [Fact]
    public void AttemptStoppedWhileRinging_IsClosedFromPostStop_AndLeavesNoGhost()
    {
        using var phone = RingingPhone();
        var attempt = Sys.ActorOf(CallbackCall.Props(Settings(TimeSpan.FromSeconds(30)), Job(8, attempt: 1), TestActor));
        AwaitLive("callback-8-1");

        Sys.Stop(attempt);

        Assert.Equal(CallbackAttemptResult.NoAnswer, ExpectMsg<CallbackDialFinished>(Bound).Result);
        AwaitAssert(() => Assert.Empty(_board.Live()), Bound);
        Assert.Equal(("callback-8-1", "stopped"), (_board.Recent().Single().CallId, _board.Recent().Single().Outcome));
        Assert.All(_board.LiveByState().Values, n => Assert.Equal(0, n));
    }

    /// <summary>The customer's phone: a sipp UAS that rings (180) until it is CANCELled.</summary>
    private SippProcess RingingPhone() =>
        SippProcess.Start(_customerPort, "-sf", SippProcess.Scenario("uas_agent_noanswer.xml"), "-m", "1");

    private CallbackDialerSettings Settings(TimeSpan ringTimeout) =>
        new(new OutboundDialer(() => _stack, new InProcessMediaFactory(), "ivr"),
            new PromptSource(RepoPaths.Sounds, NullLogger<PromptSource>.Instance),
            "sip:{number}@127.0.0.1:" + _customerPort.ToString(CultureInfo.InvariantCulture))
        {
            Words = CallTestFlows.Words,
            RingTimeout = ringTimeout,
            Board = _board,
        };

    private static DialCallback Job(long id, int attempt)
    {
        var now = DateTimeOffset.UtcNow;
        var callback = new CallbackRecord(id, "test:" + id.ToString(CultureInfo.InvariantCulture), "billing", "+33612345678", "+33612345678",
            now.AddMinutes(-5), now.AddMinutes(-4), CallbackState.Dialling, attempt, now, null, now);
        // The agent is never rung: the customer does not answer.
        return new DialCallback(callback, "a1", "sip:a1@127.0.0.1:9", TimeSpan.FromSeconds(5));
    }

    private CallSummary AwaitLive(string callId)
    {
        CallSummary? found = null;
        AwaitAssert(() => found = Assert.Single(_board.Live(), c => c.CallId == callId), Bound);
        return found!;
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        _flows.Dispose();
    }
}
