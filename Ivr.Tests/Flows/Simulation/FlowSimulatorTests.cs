using Ivr.Flows.Simulation;

namespace Ivr.Tests.Flows.Simulation;

public class FlowSimulatorTests
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));

    private static SimulationResult Run(string script, bool drain = false, string caller = "+33123456789", DateTimeOffset? at = null)
    {
        Assert.True(InputToken.TryParseScript(script, out var tokens, out var error), error);
        return FlowSimulator.Run(SampleFlows.Get("hotline"), tokens, new SimulationOptions
        {
            CallerNumber = caller,
            Time = new ManualTimeProvider(at ?? MondayMorning),
            Drain = drain,
        });
    }

    [Theory]
    [InlineData("1", InputTokenKind.Digits, "1", 1.0)]
    [InlineData("12345678#", InputTokenKind.Digits, "12345678#", 1.0)]
    [InlineData("billing", InputTokenKind.Speech, "billing", 1.0)]
    [InlineData("bad", InputTokenKind.Speech, "bad", 1.0)]
    [InlineData("say:billing@0.3", InputTokenKind.Speech, "billing", 0.3)]
    [InlineData("/noinput", InputTokenKind.NoInput, "", 1.0)]
    [InlineData("", InputTokenKind.NoInput, "", 1.0)]
    [InlineData("/transfer-fail", InputTokenKind.TransferFail, "", 1.0)]
    public void InputToken_TryParse_ReadsEveryForm(string raw, InputTokenKind kind, string text, double confidence)
    {
        Assert.True(InputToken.TryParse(raw, out var token, out _));
        Assert.Equal((kind, text, confidence), (token.Kind, token.Text, token.Confidence));
    }

    [Theory]
    [InlineData("/teleport")]
    [InlineData("say:billing@1.5")]
    [InlineData("say:billing@x")]
    public void InputToken_TryParse_RefusesMalformedTokens(string raw)
    {
        Assert.False(InputToken.TryParse(raw, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Run_FrenchBillingByKey_QueuesWithTheAccountAndFrenchPrompts()
    {
        var result = Run("2,1,12345678#");

        Assert.Equal("queued:billing", result.Outcome);
        Assert.False(result.Ended);
        Assert.Equal(("12345678", "fr-FR"), (result.Variables["account"], result.Language));
        Assert.Contains(result.Transcript, e => e.Kind == TranscriptKind.Prompt && e.Name == "account_ask" && e.Text.StartsWith("Veuillez", StringComparison.Ordinal));
        Assert.Contains("collect-account/account_ok", result.PathNames);
    }

    [Fact]
    public void Run_InputDuringABargeInMenuPrompt_InterruptsIt()
    {
        var result = Run("1,2");

        var menu = result.Transcript.ToList().FindIndex(e => e.Kind == TranscriptKind.Prompt && e.Name == "main_menu");
        Assert.Equal((TranscriptKind.Input, TranscriptKind.PromptStopped), (result.Transcript[menu + 1].Kind, result.Transcript[menu + 2].Kind));
        Assert.DoesNotContain(result.Transcript.Skip(menu), e => e.Kind == TranscriptKind.Listen && e.Step == "main_menu");
    }

    [Fact]
    public void Run_ScriptUsedUpAtAMenu_ReportsWaiting_AndDrainFiresTheTimers()
    {
        Assert.Equal("waiting:main_menu", Run("1").Outcome);

        var drained = Run("1", drain: true);

        Assert.Equal("queued:general", drained.Outcome);
        Assert.Contains(new HandlerRef("hotline", "main_menu", "noInput"), drained.Handlers);
        Assert.Contains(drained.EdgesTaken, e => e.Step == "main_menu" && e.Label == "onExhausted");
    }

    [Fact]
    public void Run_SpeechAtADigitsStep_IsIgnored()
    {
        var result = Run("1,1,billing");

        Assert.Equal("waiting:collect-account/ask_account", result.Outcome);
        Assert.Contains(result.Transcript, e => e.Kind == TranscriptKind.Ignored && e.Text.Contains("DTMF only", StringComparison.Ordinal));
        Assert.Empty(result.Handlers);
    }

    [Fact]
    public void Run_QueueTokenWhileAMenuListens_IsIgnoredAndNoted()
    {
        var result = Run("1,/connected,3");

        Assert.Equal("queued:sales", result.Outcome);
        Assert.Contains(result.Transcript, e => e.Kind == TranscriptKind.Ignored && e.Text.StartsWith("/connected ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_TokensAfterTheEnd_AreNotFed()
    {
        var result = Run("1,0,/connected,5,/hangup");

        Assert.Equal("connected:general", result.Outcome);
        Assert.True(result.Ended);
    }

    [Fact]
    public void Run_SundayInstant_LeavesAMessage()
    {
        var result = Run("", at: new DateTimeOffset(2026, 11, 22, 15, 0, 0, TimeSpan.FromHours(1)), drain: true);

        Assert.Equal("hangup:message-left", result.Outcome);
        Assert.Equal("sim/message-1.wav", result.Variables["message.path"]);
        Assert.Contains(result.Transcript, e => e.Kind == TranscriptKind.Record);
    }

    [Fact]
    public void Run_IsBoundedByMaxEvents()
    {
        var many = Enumerable.Repeat(new InputToken(InputTokenKind.Digits, "7"), 50);
        var result = FlowSimulator.Run(SampleFlows.Get("hotline"), many, new SimulationOptions { Time = new ManualTimeProvider(MondayMorning), MaxEvents = 5 });

        Assert.Equal("event-limit", result.Outcome);
        Assert.Equal(5, result.Events);
    }

    [Fact]
    public void FiringATimer_AdvancesTheManualClock()
    {
        var clock = new ManualTimeProvider(MondayMorning);
        FlowSimulator.Run(SampleFlows.Get("hotline"), [new InputToken(InputTokenKind.NoInput)], new SimulationOptions { Time = clock });

        Assert.Equal(MondayMorning.AddSeconds(5), clock.GetUtcNow());
    }

    [Fact]
    public void Coverage_OfOneCall_ListsWhatItMissed()
    {
        var call = Run("1,2");
        var coverage = FlowCoverage.Compute(SampleFlows.Get("hotline"), id => SampleFlows.Get(id), [call]);

        var steps = coverage.Single(c => c.Name == "steps");
        Assert.Equal(call.Path.Distinct().Count(), steps.Covered);
        Assert.Contains("after_hours", steps.Missed);
        Assert.Contains("collect-account/ask_account", steps.Missed);
        Assert.Contains("main_menu 1/billing", coverage.Single(c => c.Name == "choices").Missed);
        Assert.DoesNotContain("main_menu 2/technical support", coverage.Single(c => c.Name == "choices").Missed);
        Assert.Contains("check_hours else", coverage.Single(c => c.Name == "branches").Missed);
    }
}
