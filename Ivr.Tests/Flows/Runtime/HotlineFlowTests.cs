using Ivr.Flows.Runtime;
using Microsoft.Extensions.Time.Testing;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class HotlineFlowTests
{
    private static readonly DateTimeOffset MondayMorningParis = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset MondayNightParis = new(2026, 11, 23, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EnglishCaller_ByKeypad_ReachesBillingWithTheAccount()
    {
        var (run, host) = Start(TestFlows.Hotline(), new FakeTimeProvider(MondayMorningParis));
        Assert.Equal("Welcome to Acme.", host.LastPlayed);
        run.PromptFinished();
        run.PromptFinished();
        run.Digit('1');
        Assert.Equal("main", run.CurrentStep);
        run.PromptFinished();
        Assert.Equal(["billing", "bills", "support", "help", "sales"], host.Last<ListenEffect>().Phrases);

        run.Digit('1');
        foreach (var k in "12345678") run.Digit(k);

        Assert.Equal("billing_queue", run.CurrentStep);
        Assert.Equal(("12345678", "billing"), (run.GetVariable("account"), run.GetVariable("department")));
        run.QueueResult(QueueOutcome.Connected);
        Assert.Equal("connected:billing", host.Outcome?.Code);
    }

    [Fact]
    public void FrenchCaller_BySpeech_HearsFrenchPromptsAndReachesSupport()
    {
        var (run, host) = Start(TestFlows.Hotline(), new FakeTimeProvider(MondayMorningParis));
        run.PromptFinished();
        run.PromptFinished();

        run.Heard("Français", 0.92);

        Assert.Equal("fr-FR", run.Language);
        Assert.Equal("Dites facturation, assistance ou ventes, ou tapez 1, 2 ou 3.", host.LastPlayed);
        run.PromptFinished();
        Assert.Equal(["facturation", "factures", "assistance", "aide", "ventes"], host.Last<ListenEffect>().Phrases);
        run.Heard("support", 0.95);
        Assert.Equal("Désolé, je n'ai pas compris. | Dites facturation, assistance ou ventes, ou tapez 1, 2 ou 3.", host.LastPlayed);
        run.PromptFinished();
        run.Heard("aide", 0.8);

        var enqueue = host.Last<EnqueueEffect>();
        Assert.Equal("support", enqueue.Skill);
        Assert.Equal(("fr-FR", "Veuillez patienter, Ada."), (enqueue.Hold.Single().Locale, enqueue.Hold.Single().Text));
    }

    [Fact]
    public void Queue_Callback_ThenBooked_SaysGoodbyeInTheCallersLanguage()
    {
        var (run, host) = Start(TestFlows.Hotline(), new FakeTimeProvider(MondayMorningParis));
        run.PromptFinished();
        run.Digit('2');
        run.Digit('3');
        run.QueueResult(QueueOutcome.Callback);
        Assert.Equal("callback", run.CurrentStep);
        run.Digit('1');
        run.CallbackResult(true, null);

        Assert.Equal("Au revoir.", host.LastPlayed);
        run.PromptFinished();
        Assert.Equal("hangup:normal", host.Outcome?.Code);
    }

    [Fact]
    public void AfterHours_PlaysClosedAndRecordsAMessage()
    {
        var (run, host) = Start(TestFlows.Hotline(), new FakeTimeProvider(MondayNightParis));
        run.PromptFinished();
        run.Digit('1');

        Assert.Equal("We are closed.", host.LastPlayed);
        run.PromptFinished();
        Assert.Equal("Leave a message after the beep.", host.LastPlayed);
        run.PromptFinished();
        Assert.Equal(TimeSpan.FromSeconds(120), host.Last<RecordEffect>().MaxLength);
        run.RecordingFinished("msg.wav", 10);
        run.PromptFinished();

        Assert.Equal(new FlowOutcome("hangup:normal", "goodbye"), host.Outcome);
    }

    [Fact]
    public void SilentCaller_FallsThroughToTheSupportQueue()
    {
        var (run, host) = Start(TestFlows.Hotline(), new FakeTimeProvider(MondayMorningParis));
        while (!run.IsEnded && run.Waiting != FlowWait.Queue)
        {
            if (run.Waiting == FlowWait.Prompt) run.PromptFinished();
            else run.TimerExpired(run.ActiveTimer!.Value);
        }

        Assert.Equal("support", host.Last<EnqueueEffect>().Skill);
        Assert.Equal(["Sorry, I did not hear you. | Say billing, support or sales, or press 1, 2 or 3.",
                      "Still nothing. | Say billing, support or sales, or press 1, 2 or 3."],
            host.Of<PlayEffect>().Skip(3).Select(p => string.Join(" | ", p.Prompts.Select(x => x.Text))));
    }
}
