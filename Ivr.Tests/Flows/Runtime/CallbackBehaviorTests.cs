using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class CallbackBehaviorTests
{
    private static FlowDocument CallbackFlow(Func<CallbackStep, CallbackStep>? tweak = null)
    {
        var cb = Callback("cb", "booked", "declined") with
        {
            Prompt = Text("We will call {callback.number}. 1 to confirm, 2 for another number."),
            NumberPrompt = Text("Type the number, then pound."),
            Skill = "support",
            MaxRetries = 2,
        };
        return Flow("cb", "cb",
        [
            tweak?.Invoke(cb) ?? cb,
            Hangup("booked", Text("Booked for {callback.number}."), "booked"),
            Hangup("declined", reason: "declined"),
        ]);
    }

    [Fact]
    public void Confirm_ReadsOutTheCallersNumber_AndBooksIt()
    {
        var (run, host) = Start(CallbackFlow());
        Assert.Equal("We will call +33612345678. 1 to confirm, 2 for another number.", host.LastPlayed);
        run.PromptFinished();

        run.Digit('1');

        Assert.Equal(new BookCallbackEffect("+33612345678", "support"), host.Last<BookCallbackEffect>());
        Assert.Equal(FlowWait.Callback, run.Waiting);
        run.CallbackResult(true, null);
        Assert.Equal("Booked for +33612345678.", host.LastPlayed);
    }

    [Fact]
    public void OtherNumber_IsTypedAndTerminatedByHash_ThenBooked()
    {
        var (run, host) = Start(CallbackFlow());

        run.Digit('2');
        Assert.Equal("Type the number, then pound.", host.LastPlayed);
        run.PromptFinished();
        foreach (var k in "0612345678#") run.Digit(k);

        Assert.Equal("0612345678", host.Last<BookCallbackEffect>().Number);
        run.CallbackResult(true, "+33612345678");
        Assert.Equal("Booked for +33612345678.", host.LastPlayed);
    }

    [Fact]
    public void Refused_RetriesThenDeclines()
    {
        var (run, host) = Start(CallbackFlow());
        run.Digit('1');
        run.CallbackResult(false, null);
        Assert.StartsWith("We will call", host.LastPlayed, StringComparison.Ordinal);
        Assert.Null(host.Outcome);

        run.Digit('1');
        run.CallbackResult(false, null);

        Assert.Equal("hangup:declined", host.Outcome?.Code);
    }

    [Fact]
    public void OtherNumber_NotAllowed_KeyTwoIsANoMatch()
    {
        var (run, host) = Start(CallbackFlow(c => c with { AllowOtherNumber = false }));

        run.Digit('2');

        Assert.Empty(host.Of<BookCallbackEffect>());
        Assert.StartsWith("We will call", host.LastPlayed, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyThree_Declines()
    {
        var (run, host) = Start(CallbackFlow());
        run.Digit('3');
        Assert.Equal("hangup:declined", host.Outcome?.Code);
    }

    [Fact]
    public void WithheldNumber_AsksForOneFirst()
    {
        var flow = FlowCompiler.Compile(CallbackFlow());
        var host = new RecordingHost();
        var run = flow.CreateRun(host, new CallInfo("c", ""), TimeProvider.System);
        run.Start();

        Assert.Equal("Type the number, then pound.", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);
        Assert.Equal("Type the number, then pound.", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);
        Assert.Equal("hangup:declined", host.Outcome?.Code);
    }

    [Fact]
    public void DefaultPrompt_ReadsTheNumber()
    {
        var (_, host) = Start(CallbackFlow(c => c with { Prompt = null }));

        Assert.Contains("+33612345678", host.LastPlayed, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPrompt_ListensStraightAway()
    {
        var (run, host) = Start(CallbackFlow(c => c with { Prompt = new PromptRef([], "") }));

        Assert.Empty(host.Of<PlayEffect>());
        Assert.Equal(FlowWait.Input, run.Waiting);
        run.Digit('1');
        Assert.Equal("+33612345678", host.Last<BookCallbackEffect>().Number);
    }
}
