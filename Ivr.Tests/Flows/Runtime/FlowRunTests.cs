using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class FlowRunTests
{
    [Fact]
    public void Subflow_RunsFromItsStart_AndReturnContinuesAtNext_SharingVariables()
    {
        var pin = FlowCompiler.Compile(TestFlows.PinSubflow());
        var (run, host) = Start(TestFlows.WithSubflow(), subflows: id => id == "pin" ? pin : null);
        run.PromptFinished();
        Assert.Equal(("pin", "ask"), (run.CurrentFlow, run.CurrentStep));
        Assert.Equal("Enter your PIN.", host.LastPlayed);

        foreach (var k in "4321") run.Digit(k);

        Assert.Equal(("outer", "after"), (run.CurrentFlow, run.CurrentStep));
        Assert.Equal("Verified yes:4321 with 4321.", host.LastPlayed);
    }

    [Fact]
    public void Subflow_Missing_EndsWithAnError()
    {
        var (run, host) = Start(TestFlows.WithSubflow(), subflows: _ => null);
        run.PromptFinished();

        Assert.Equal("error:subflow-missing:pin", host.Outcome?.Code);
        Assert.Equal(new HangupEffect("error"), host.Effects[^2]);
    }

    [Fact]
    public void Return_OutsideASubflow_EndsTheRun()
    {
        var (_, host) = Start(Flow("r", "r", [Return("r")]));
        Assert.Equal(FlowOutcome.Returned, host.Outcome?.Code);
    }

    [Fact]
    public void LoopWithoutInput_IsEndedByTheLoopGuard_WithAHangup()
    {
        var (run, host) = Start(TestFlows.Loop());

        Assert.Equal(FlowOutcome.LoopGuard, host.Outcome?.Code);
        Assert.Equal(new HangupEffect("loop-guard"), host.Effects[^2]);
        Assert.True(run.IsEnded);
    }

    [Fact]
    public void RecursiveSubflow_IsBounded()
    {
        CompiledFlow? self = null;
        self = FlowCompiler.Compile(Flow("rec", "again", [Subflow("again", "rec", "again")]), _ => self);
        var host = new RecordingHost();
        var run = self.CreateRun(host, Call(), TimeProvider.System);

        run.Start();

        Assert.True(run.IsEnded);
        Assert.IsType<EndedEffect>(host.Effects[^1]);
    }

    [Fact]
    public void Hangup_AtAnyTime_EndsWithCallerHangup_AndReleasesTheTimer()
    {
        var (run, host) = Start(TestFlows.Hotline());
        run.PromptFinished();
        run.PromptFinished();
        var token = host.LastTimer;

        run.Hangup();

        Assert.Equal(new FlowOutcome(FlowOutcome.CallerHangup, "language"), host.Outcome);
        Assert.Contains(new CancelTimerEffect(token), host.Effects);
        Assert.IsType<EndedEffect>(host.Effects[^1]);
    }

    [Fact]
    public void EventsAfterTheEnd_AreIgnored()
    {
        var (run, host) = Start(TestFlows.Hotline());
        run.Hangup();
        var count = host.Effects.Count;

        run.Start();
        run.PromptFinished();
        run.Digit('1');
        run.Heard("billing", 1);
        run.TimerExpired(1);
        run.QueueResult(QueueOutcome.Connected);
        run.TransferResult(true);
        run.RecordingFinished("x", 1);
        run.CallbackResult(true, "1");
        run.Hangup();

        Assert.Equal(count, host.Effects.Count);
        Assert.Equal(FlowWait.Ended, run.Waiting);
    }

    [Fact]
    public void EventsBeforeStart_AreIgnored_ExceptHangup()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());
        var host = new RecordingHost();
        var run = flow.CreateRun(host, Call(), TimeProvider.System);

        run.Digit('1');
        run.PromptFinished();
        Assert.Empty(host.Effects);
        Assert.Null(run.CurrentStep);

        run.Hangup();
        Assert.Equal(new FlowOutcome(FlowOutcome.CallerHangup, null), host.Outcome);
    }

    [Fact]
    public void HostFeedingEventsFromInsideExecute_IsDeferredUntilTheCurrentEventIsHandled()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());
        var host = new AutoPlayHost();
        var run = flow.CreateRun(host, Call(), TimeProvider.System);
        host.Run = run;

        run.Start();

        Assert.Equal("language", run.CurrentStep);
        Assert.Equal(FlowWait.Input, run.Waiting);
        Assert.IsType<ListenEffect>(host.Effects[^2]);
    }

    [Fact]
    public void SharedCompiledFlow_RunsManyCallsInParallel()
    {
        var flow = FlowCompiler.Compile(TestFlows.Hotline());
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var outcomes = new string?[2000];

        Parallel.For(0, outcomes.Length, i =>
        {
            var host = new RecordingHost();
            var run = flow.CreateRun(host, Call(), time);
            run.Start();
            run.PromptFinished();
            run.Digit('1');
            run.Digit((i % 2 == 0) ? '1' : '3');
            if (i % 2 == 0) foreach (var k in "1234567#") run.Digit(k);
            run.QueueResult(QueueOutcome.Connected);
            outcomes[i] = host.Outcome?.Code;
        });

        for (var i = 0; i < outcomes.Length; i++) Assert.Equal(i % 2 == 0 ? "connected:billing" : "connected:sales", outcomes[i]);
    }

    [Fact]
    public void Variables_AreReadableAndTheHostCanSetQueueVariables()
    {
        var (run, _) = Start(TestFlows.Hotline());

        Assert.True(run.SetVariable("queue.position", "3"));
        Assert.False(run.SetVariable("nope", "x"));

        var vars = run.GetVariables();
        Assert.Equal("3", vars["queue.position"]);
        Assert.Equal("+33612345678", vars["caller.number"]);
        Assert.Equal("call-1", vars["call.id"]);
        Assert.Equal("+33100000000", vars["call.dialled"]);
        Assert.Equal("en-US", vars["language"]);
        Assert.Null(run.GetVariable("nope"));
    }

    private sealed class AutoPlayHost : IFlowHost
    {
        public FlowRun? Run { get; set; }

        public List<FlowEffect> Effects { get; } = [];

        public void Execute(FlowEffect effect)
        {
            Effects.Add(effect);
            if (effect is PlayEffect) Run!.PromptFinished();
        }
    }
}
