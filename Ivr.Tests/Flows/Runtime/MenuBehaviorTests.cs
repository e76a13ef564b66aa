using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class MenuBehaviorTests
{
    private static FlowDocument MenuFlow(Func<MenuStep, MenuStep>? tweak = null)
    {
        var menu = Menu("m", Text("Main."), "exhausted", Choice("1", "one", "billing"), Choice("2", "two")) with
        {
            NoInput = [Text("NI1"), Text("NI2")],
            NoMatch = [Text("NM1"), Text("NM2")],
        };
        return Flow("menu", "m",
        [
            tweak?.Invoke(menu) ?? menu,
            Hangup("one", reason: "one"),
            Hangup("two", reason: "two"),
            Hangup("exhausted", reason: "exhausted"),
        ]);
    }

    [Fact]
    public void Start_PlaysPromptWithBargeIn_ThenListensWithTheStepTimeout()
    {
        var (run, host) = Start(MenuFlow());
        var play = Assert.IsType<PlayEffect>(Assert.Single(host.Effects));
        Assert.True(play.BargeIn);
        Assert.Equal("Main.", play.Prompts.Single().Text);

        run.PromptFinished();

        var listen = host.Last<ListenEffect>();
        Assert.True(listen.Dtmf);
        Assert.Equal(["billing"], listen.Phrases);
        Assert.Equal(TimeSpan.FromSeconds(5), host.Last<StartTimerEffect>().After);
        Assert.Equal(FlowWait.Input, run.Waiting);
    }

    [Fact]
    public void Digit_WhileListening_GoesToTheChoice()
    {
        var (run, host) = Start(MenuFlow());
        run.PromptFinished();
        var token = host.LastTimer;

        run.Digit('2');

        Assert.Contains(new CancelTimerEffect(token), host.Effects);
        Assert.Contains(StopListeningEffect.Instance, host.Effects);
        Assert.Equal("hangup:two", host.Outcome?.Code);
    }

    [Fact]
    public void Digit_DuringPromptWithBargeIn_StopsPlaybackAndCounts()
    {
        var (run, host) = Start(MenuFlow());

        run.Digit('1');

        Assert.Equal(StopPlaybackEffect.Instance, host.Effects[1]);
        Assert.Equal("hangup:one", host.Outcome?.Code);
    }

    [Fact]
    public void Digit_DuringPromptWithoutBargeIn_IsIgnored()
    {
        var (run, host) = Start(MenuFlow(m => m with { BargeIn = false }));

        run.Digit('1');

        Assert.Single(host.Effects);
        Assert.Equal("m", run.CurrentStep);
        run.PromptFinished();
        run.Digit('1');
        Assert.Equal("hangup:one", host.Outcome?.Code);
    }

    [Fact]
    public void NoInput_PlaysEscalatingPromptsThenMain_AndExhaustsAfterMaxRetries()
    {
        var (run, host) = Start(MenuFlow());
        run.PromptFinished();

        run.TimerExpired(host.LastTimer);
        Assert.Equal("NI1 | Main.", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);
        Assert.Equal("NI2 | Main.", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);

        Assert.Equal("hangup:exhausted", host.Outcome?.Code);
    }

    [Fact]
    public void NoMatch_LastEscalatingPromptRepeats_AndNoInputAndNoMatchAddUp()
    {
        var (run, host) = Start(MenuFlow(m => m with { MaxRetries = 5 }));
        run.PromptFinished();

        run.Digit('7');
        Assert.Equal("NM1 | Main.", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);
        Assert.Equal("NI2 | Main.", host.LastPlayed);
        run.PromptFinished();
        run.Digit('8');
        Assert.Equal("NM2 | Main.", host.LastPlayed);
        run.PromptFinished();
        run.Digit('9');
        Assert.Equal("NM2 | Main.", host.LastPlayed);
        Assert.Null(host.Outcome);
        run.PromptFinished();
        run.Digit('9');
        Assert.Equal("hangup:exhausted", host.Outcome?.Code);
    }

    [Fact]
    public void NoInput_WithoutReprompt_PlaysOnlyTheEscalatingPrompt()
    {
        var (run, host) = Start(MenuFlow(m => m with { Reprompt = false }));
        run.PromptFinished();

        run.TimerExpired(host.LastTimer);

        Assert.Equal("NI1", host.LastPlayed);
    }

    [Fact]
    public void TimerExpired_WithStaleToken_IsIgnored()
    {
        var (run, host) = Start(MenuFlow());
        run.PromptFinished();
        var before = host.Effects.Count;

        run.TimerExpired(host.LastTimer + 1);
        run.TimerExpired(-5);

        Assert.Equal(before, host.Effects.Count);
    }

    [Theory]
    [InlineData("billing", 0.9, "hangup:one")]
    [InlineData("  BILLING ", 0.5, "hangup:one")]
    public void Heard_KnownPhraseAboveConfidence_GoesToTheChoice(string text, double confidence, string outcome)
    {
        var (run, host) = Start(MenuFlow());
        run.PromptFinished();

        run.Heard(text, confidence);

        Assert.Equal(outcome, host.Outcome?.Code);
    }

    [Theory]
    [InlineData("billing", 0.49)]
    [InlineData("shipping", 0.99)]
    [InlineData("", 1.0)]
    public void Heard_UnknownOrBelowConfidence_IsANoMatch(string text, double confidence)
    {
        var (run, host) = Start(MenuFlow());
        run.PromptFinished();

        run.Heard(text, confidence);

        Assert.Null(host.Outcome);
        Assert.Equal("NM1 | Main.", host.LastPlayed);
    }

    [Fact]
    public void Heard_WhenSpeechIsOff_IsIgnoredAndListenHasNoPhrases()
    {
        var (run, host) = Start(MenuFlow(m => m with { Speech = false }));
        run.PromptFinished();
        Assert.Empty(host.Last<ListenEffect>().Phrases);
        var before = host.Effects.Count;

        run.Heard("billing", 1);

        Assert.Equal(before, host.Effects.Count);
    }

    [Fact]
    public void Choice_WithLanguageAndSet_SwitchesLocaleAndAssigns()
    {
        var doc = Flow("lang", "pick",
        [
            Menu("pick", Named("choose"), "bye",
                Choice("2", "main", new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["français"] }, "fr-FR",
                    new Dictionary<string, string> { ["picked"] = "{caller.name}:{language}" })),
            Menu("main", Named("main"), "bye", Choice("1", "bye", new Dictionary<string, IReadOnlyList<string>>
            {
                ["en-US"] = ["billing"],
                ["fr-FR"] = ["facturation"],
            })),
            Hangup("bye", Named("bye")),
        ],
        [
            Prompt("choose", ("en-US", "Press 2 for French.")),
            Prompt("main", ("en-US", "Main menu."), ("fr-FR", "Menu principal.")),
            Prompt("bye", ("en-US", "Bye."), ("fr-FR", "Au revoir.")),
        ],
        languages: ["en-US", "fr-FR"],
        variables: new Dictionary<string, string> { ["picked"] = "" });
        var (run, host) = Start(doc);

        run.Heard("Français", 0.8);

        Assert.Equal("fr-FR", run.Language);
        Assert.Equal("Ada:en-US", run.GetVariable("picked"));
        var play = host.Last<PlayEffect>().Prompts.Single();
        Assert.Equal(("fr-FR", "Menu principal.", "fr-FR/main.wav"), (play.Locale, play.Text, play.Sound));
        run.PromptFinished();
        Assert.Equal(["facturation"], host.Last<ListenEffect>().Phrases);
        Assert.Equal("fr-FR", host.Last<ListenEffect>().Locale);
        run.Heard("facturation", 0.9);
        Assert.Equal("Au revoir.", host.LastPlayed);
    }

    [Fact]
    public void Prompt_MissingInTheCallLocale_FallsBackToTheDefault()
    {
        var doc = Flow("fallback", "m",
            [Menu("m", Named("only_en"), "m", Choice("1", "m"))],
            [Prompt("only_en", ("en-US", "English only."))],
            languages: ["en-US", "fr-FR"],
            variables: new Dictionary<string, string>());
        var flow = FlowCompiler.Compile(doc);
        var host = new RecordingHost();
        var run = flow.CreateRun(host, Call(), TimeProvider.System);
        run.SetVariable("language", "fr-FR");

        run.Start();

        var p = host.Last<PlayEffect>().Prompts.Single();
        Assert.Equal(("en-US", "English only."), (p.Locale, p.Text));
    }
}
