using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class DigitsBehaviorTests
{
    private static FlowDocument DigitsFlow(Func<DigitsStep, DigitsStep>? tweak = null)
    {
        var digits = Digits("d", Text("Account?"), "account", 6, "ok", "exhausted") with
        {
            Min = 3,
            Timeout = 5,
            InterDigitTimeout = 2,
            NoInput = [Text("NI")],
            NoMatch = [Text("NM")],
        };
        return Flow("digits", "d",
        [
            tweak?.Invoke(digits) ?? digits,
            Hangup("ok", Text("Got {account}."), "ok"),
            Hangup("exhausted", reason: "exhausted"),
        ]);
    }

    private static void Type(FlowRun run, string keys)
    {
        foreach (var k in keys) run.Digit(k);
    }

    [Fact]
    public void Digits_UpToMax_AreStoredAndEndTheStep()
    {
        var (run, host) = Start(DigitsFlow());
        run.PromptFinished();

        Type(run, "123456");

        Assert.Equal("123456", run.GetVariable("account"));
        Assert.Equal("Got 123456.", host.LastPlayed);
    }

    [Fact]
    public void Terminator_EndsEarly_AndIsNotStored()
    {
        var (run, host) = Start(DigitsFlow());
        run.PromptFinished();

        Type(run, "1234#");

        Assert.Equal("1234", run.GetVariable("account"));
        Assert.Equal("ok", run.CurrentStep);
    }

    [Fact]
    public void FirstDigit_SwitchesToTheInterDigitTimeout_WhoseExpiryEndsInput()
    {
        var (run, host) = Start(DigitsFlow());
        run.PromptFinished();
        Assert.Equal(TimeSpan.FromSeconds(5), host.Last<StartTimerEffect>().After);
        var first = host.LastTimer;

        Type(run, "1234");

        Assert.Contains(new CancelTimerEffect(first), host.Effects);
        Assert.Equal(TimeSpan.FromSeconds(2), host.Last<StartTimerEffect>().After);
        run.TimerExpired(host.LastTimer);
        Assert.Equal("1234", run.GetVariable("account"));
    }

    [Fact]
    public void NoDigitBeforeTimeout_IsANoInput()
    {
        var (run, host) = Start(DigitsFlow());
        run.PromptFinished();

        run.TimerExpired(host.LastTimer);

        Assert.Equal("NI | Account?", host.LastPlayed);
        Assert.Equal("d", run.CurrentStep);
    }

    [Fact]
    public void TooFewDigits_IsANoMatch_AndTheBufferStartsAgain()
    {
        var (run, host) = Start(DigitsFlow());
        run.PromptFinished();

        Type(run, "12#");
        Assert.Equal("NM | Account?", host.LastPlayed);
        run.PromptFinished();
        Type(run, "987#");

        Assert.Equal("987", run.GetVariable("account"));
    }

    [Fact]
    public void PatternMismatch_IsANoMatch()
    {
        var (run, host) = Start(DigitsFlow(d => d with { Pattern = "9[0-9]*" }));
        run.PromptFinished();

        Type(run, "1234#");

        Assert.Equal("NM | Account?", host.LastPlayed);
        Assert.Equal(string.Empty, run.GetVariable("account"));
    }

    [Fact]
    public void DigitDuringPrompt_WithBargeIn_StopsPlaybackAndCounts()
    {
        var (run, host) = Start(DigitsFlow());

        Type(run, "55");

        Assert.Equal(StopPlaybackEffect.Instance, host.Effects[1]);
        Assert.IsType<ListenEffect>(host.Effects[2]);
        Type(run, "5#");
        Assert.Equal("555", run.GetVariable("account"));
    }

    [Fact]
    public void RepeatedFailures_GoToOnExhausted()
    {
        var (run, host) = Start(DigitsFlow());
        for (var i = 0; i < 3; i++)
        {
            run.PromptFinished();
            run.TimerExpired(host.LastTimer);
        }

        Assert.Equal("hangup:exhausted", host.Outcome?.Code);
    }

    [Fact]
    public void NoTerminator_StarIsCollectedLikeADigit()
    {
        var (run, _) = Start(DigitsFlow(d => d with { Terminator = "", Max = 3 }));
        run.PromptFinished();

        Type(run, "1*2");

        Assert.Equal("1*2", run.GetVariable("account"));
    }
}
