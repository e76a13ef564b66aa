using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class SimpleStepTests
{
    [Fact]
    public void Play_GoesToNextWhenThePromptFinishes()
    {
        var (run, host) = Start(Flow("p", "a", [Play("a", Text("A"), "b"), Hangup("b", Text("B"))]));
        Assert.Equal("A", host.LastPlayed);
        Assert.Equal(FlowWait.Prompt, run.Waiting);

        run.PromptFinished();

        Assert.Equal("B", host.LastPlayed);
    }

    [Fact]
    public void Play_DigitWithBargeIn_SkipsTheRest()
    {
        var (run, host) = Start(Flow("p", "a", [Play("a", Text("A"), "b"), Hangup("b", Text("B"))]));

        run.Digit('5');

        Assert.Equal(StopPlaybackEffect.Instance, host.Effects[1]);
        Assert.Equal("B", host.LastPlayed);
    }

    [Fact]
    public void Set_InterpolatesVariables_RenderingAllBeforeAssigning()
    {
        var doc = Flow("s", "set",
            [
                Set("set", "bye", ("greeting", "Hello {caller.name} from {caller.number}"), ("a", "{b}"), ("b", "{a}")),
                Hangup("bye", Text("{greeting}!")),
            ],
            variables: new Dictionary<string, string> { ["greeting"] = "", ["a"] = "A", ["b"] = "B" });

        var (run, host) = Start(doc);

        Assert.Equal("Hello Ada from +33612345678!", host.LastPlayed);
        Assert.Equal(("B", "A"), (run.GetVariable("a"), run.GetVariable("b")));
    }

    [Fact]
    public void Goto_JumpsToItsTarget()
    {
        var (_, host) = Start(Flow("g", "a", [Goto("a", "b"), Hangup("b", reason: "b")]));

        Assert.Equal("hangup:b", host.Outcome?.Code);
    }

    [Fact]
    public void Hangup_PlaysGoodbyeWithoutBargeIn_ThenHangsUpAndEnds()
    {
        var (run, host) = Start(Flow("h", "bye", [Hangup("bye", Text("Bye."), "done")]));
        Assert.False(host.Last<PlayEffect>().BargeIn);
        run.Digit('1');
        Assert.Null(host.Outcome);

        run.PromptFinished();

        Assert.Equal(new HangupEffect("done"), host.Effects[^2]);
        Assert.Equal(new FlowOutcome("hangup:done", "bye"), host.Outcome);
        Assert.True(run.IsEnded);
    }

    [Fact]
    public void Queue_EmitsEnqueue_AndConnectedEndsTheRun()
    {
        var (run, host) = Start(TestFlows.Hotline(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)));
        run.PromptFinished();
        run.Digit('1');
        run.Digit('1');
        foreach (var k in "123456#") run.Digit(k);

        var enqueue = host.Last<EnqueueEffect>();
        Assert.Equal(("billing", 6, TimeSpan.FromSeconds(900)), (enqueue.Skill, enqueue.Priority, enqueue.MaxWait));
        Assert.Equal("Please hold, Ada.", enqueue.Hold.Single().Text);
        Assert.True(enqueue.Offer!.Message);
        Assert.Equal(FlowWait.Queue, run.Waiting);

        run.QueueResult(QueueOutcome.Connected);

        Assert.Equal(new FlowOutcome("connected:billing", "billing_queue"), host.Outcome);
        Assert.DoesNotContain(host.Effects, e => e is HangupEffect);
    }

    [Theory]
    [InlineData(QueueOutcome.Callback, "cb")]
    [InlineData(QueueOutcome.Message, "msg")]
    [InlineData(QueueOutcome.Failed, "fail")]
    public void Queue_OtherOutcomes_LeaveThroughTheirEdges(QueueOutcome outcome, string reason)
    {
        var (run, host) = Start(Flow("q", "q",
        [
            Queue("q", "sales", "cb", "msg", "fail"),
            Hangup("cb", reason: "cb"), Hangup("msg", reason: "msg"), Hangup("fail", reason: "fail"),
        ]));

        run.TransferResult(true);
        run.QueueResult(outcome);

        Assert.Equal("hangup:" + reason, host.Outcome?.Code);
    }

    [Fact]
    public void Transfer_AfterPrompt_SucceedsAndEnds()
    {
        var doc = Flow("t", "t",
            [
                Transfer("t", "sip:{agent}@pbx.example.com", "failed") with { Prompt = Text("Transferring."), Method = TransferMethod.Bridge },
                Hangup("failed", reason: "failed"),
            ],
            variables: new Dictionary<string, string> { ["agent"] = "1001" });
        var (run, host) = Start(doc);
        run.TransferResult(true);
        Assert.Empty(host.Of<TransferEffect>());

        run.PromptFinished();
        Assert.Equal(new TransferEffect("sip:1001@pbx.example.com", TransferMethod.Bridge), host.Last<TransferEffect>());
        run.TransferResult(true);

        Assert.Equal(FlowOutcome.Transferred, host.Outcome?.Code);
    }

    [Fact]
    public void Transfer_Failure_GoesToOnFailure()
    {
        var (run, host) = Start(Flow("t", "t", [Transfer("t", "sip:x@y", "failed"), Hangup("failed", reason: "failed")]));

        run.TransferResult(false);

        Assert.Equal("hangup:failed", host.Outcome?.Code);
    }

    [Fact]
    public void Message_RecordsAfterThePrompt_AndStoresThePath()
    {
        var (run, host) = Start(Flow("m", "m",
        [
            Message("m", "bye", Text("After the beep.")) with { MaxLength = 30, Skill = "billing", FinishKey = "*" },
            Hangup("bye", Text("Saved {message.path}.")),
        ]));
        run.PromptFinished();
        Assert.Equal(new RecordEffect(TimeSpan.FromSeconds(30), true, "*", "billing"), host.Last<RecordEffect>());
        Assert.Equal(FlowWait.Recording, run.Waiting);

        run.RecordingFinished("/var/msg/1.wav", 12.5);

        Assert.Equal("/var/msg/1.wav", run.GetVariable("message.path"));
        Assert.Equal("Saved /var/msg/1.wav.", host.LastPlayed);
    }

    [Fact]
    public void Message_NotKept_WithOnError_GoesThere_NeverToNext()
    {
        var (run, host) = Start(Flow("m", "m",
        [
            Message("m", "thanks") with { Skill = "billing", OnError = "sorry" },
            Hangup("thanks", Text("Thank you, we got your message.")),
            Hangup("sorry", Text("Sorry, the message could not be kept."), "message-not-stored"),
        ]));
        Assert.Equal(FlowWait.Recording, run.Waiting);

        run.RecordingFailed("store down");

        Assert.Equal("sorry", run.CurrentStep);
        Assert.Equal("Sorry, the message could not be kept.", host.LastPlayed);
        Assert.DoesNotContain(host.Of<PlayEffect>(), p => p.Prompts.Any(x => x.Text == "Thank you, we got your message."));
        run.PromptFinished();
        Assert.Equal("hangup:message-not-stored", host.Outcome?.Code);
    }

    [Fact]
    public void Message_NotKept_WithoutOnError_AsksTheHostToHangUp_AndEndsNotKept_WithoutPlayingNext()
    {
        var (run, host) = Start(Flow("m", "m",
        [
            Message("m", "thanks") with { Skill = "billing" },
            Hangup("thanks", Text("Thank you, we got your message.")),
        ]));

        run.RecordingFailed("store down");

        Assert.Equal(new HangupEffect(FlowOutcome.MessageNotKept), host.Last<HangupEffect>());
        Assert.Equal(new FlowOutcome(FlowOutcome.MessageNotKept, "m"), host.Outcome);
        Assert.Empty(host.Of<PlayEffect>());
        Assert.IsType<EndedEffect>(host.Effects[^1]);
    }

    [Fact]
    public void Message_NotKept_OutsideTheRecording_IsIgnored()
    {
        var (run, host) = Start(Flow("m", "m",
        [
            Message("m", "thanks", Text("After the beep.")) with { Skill = "billing", OnError = "sorry" },
            Hangup("thanks", Text("Thanks.")),
            Hangup("sorry", Text("Sorry.")),
        ]));
        Assert.Equal(FlowWait.Prompt, run.Waiting);

        run.RecordingFailed("store down");

        Assert.Equal("m", run.CurrentStep);
        Assert.Null(host.Outcome);
    }
}
