using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

public class SurveyBehaviorTests
{
    private static SurveyStep Survey(int questions = 2) => new()
    {
        Name = "survey",
        Pointer = "/steps/survey",
        Questions = [.. Enumerable.Range(1, questions).Select(i => Text("Q" + i))],
        Thanks = Text("Thanks."),
        Next = "done",
        NoInput = [Text("NI")],
        NoMatch = [Text("NM")],
    };

    private static FlowDocument SurveyFlow(SurveyStep? survey = null) =>
        Flow("survey", "survey", [survey ?? Survey(), Hangup("done", reason: "done")]);

    private static FlowDocument AgentFlow(bool afterAgent = true) => Flow("queue", "q",
    [
        Queue("q", "support", "done", "done", "done") with { AfterAgent = afterAgent ? "survey" : null },
        Survey(1),
        Hangup("done", reason: "done"),
    ]);

    [Fact]
    public void Enter_SaysItIsOffered_AsksTheFirstQuestion_ListensForTheScoreWords()
    {
        var (run, host) = Start(SurveyFlow());

        var offered = Assert.Single(host.Of<SurveyEffect>());
        Assert.Equal(new int?[] { null, null }, offered.Scores);
        Assert.False(offered.Finished);
        Assert.Equal("Q1", host.LastPlayed);
        run.PromptFinished();
        Assert.Equal(["one", "two", "three", "four", "five"], host.Last<ListenEffect>().Phrases);
        Assert.Equal(FlowWait.Input, run.Waiting);
    }

    [Fact]
    public void KeyThenVoice_AnswersBothQuestions_ThanksAndGoesOn()
    {
        var (run, host) = Start(SurveyFlow());
        run.PromptFinished();

        run.Digit('5');
        Assert.Equal("Q2", host.LastPlayed);
        run.Heard("four", 0.9);

        var last = host.Last<SurveyEffect>();
        Assert.True(last.Finished);
        Assert.Equal(new int?[] { 5, 4 }, last.Scores);
        Assert.Equal("Thanks.", host.LastPlayed);
        Assert.Equal("5", run.GetVariable("survey.q1"));
        Assert.Equal("4", run.GetVariable("survey.q2"));
        run.PromptFinished();
        Assert.Equal("hangup:done", host.Outcome?.Code);
    }

    [Fact]
    public void NoInputTwice_RepromptsOnce_ThenSkipsTheQuestionAsUnanswered()
    {
        var (run, host) = Start(SurveyFlow());
        run.PromptFinished();

        run.TimerExpired(host.LastTimer);
        Assert.Equal("NI | Q1", host.LastPlayed);
        run.PromptFinished();
        run.TimerExpired(host.LastTimer);

        Assert.Equal("Q2", host.LastPlayed);
        Assert.Equal(new int?[] { null, null }, host.Last<SurveyEffect>().Scores);
        run.Digit('3');
        Assert.Equal(new int?[] { null, 3 }, host.Last<SurveyEffect>().Scores);
        Assert.Equal(string.Empty, run.GetVariable("survey.q1"));
    }

    [Theory]
    [InlineData('0')]
    [InlineData('6')]
    [InlineData('#')]
    public void KeyOutsideOneToFive_IsANoMatch(char key)
    {
        var (run, host) = Start(SurveyFlow());
        run.PromptFinished();

        run.Digit(key);

        Assert.Equal("NM | Q1", host.LastPlayed);
        Assert.Equal(new int?[] { null, null }, host.Last<SurveyEffect>().Scores);
    }

    [Fact]
    public void SpeechBelowMinConfidence_OrNoScoreWord_IsANoMatch()
    {
        var (run, host) = Start(SurveyFlow());
        run.PromptFinished();

        run.Heard("five", 0.2);
        Assert.Equal("NM | Q1", host.LastPlayed);
        run.PromptFinished();
        run.Heard("billing", 1);

        Assert.Equal("Q2", host.LastPlayed);
        Assert.Null(host.Last<SurveyEffect>().Scores[0]);
    }

    [Fact]
    public void OwnPhrases_ForTheLocale_ReplaceTheEnglishWords()
    {
        var survey = Survey(1) with { Phrases = new Dictionary<string, IReadOnlyList<string>> { ["en-US"] = ["awful", "bad", "ok", "good", "great"] } };
        var (run, host) = Start(SurveyFlow(survey));
        run.PromptFinished();

        run.Heard("great", 1);

        Assert.Equal(new int?[] { 5 }, host.Last<SurveyEffect>().Scores);
    }

    [Fact]
    public void QueueWithAfterAgent_Connected_WaitsForTheAgent_ThenGoesOnAtTheSurvey()
    {
        var (run, host) = Start(AgentFlow());
        run.QueueResult(QueueOutcome.Connected);

        Assert.Null(host.Outcome);
        Assert.Equal(FlowWait.Agent, run.Waiting);
        run.AgentLeft();

        Assert.Equal("survey", run.CurrentStep);
        Assert.Equal("Q1", host.LastPlayed);
    }

    [Fact]
    public void QueueWithAfterAgent_CallerHangsUpWhileTalking_EndsAsConnected_NoSurvey()
    {
        var (run, host) = Start(AgentFlow());
        run.QueueResult(QueueOutcome.Connected);

        run.Hangup();

        Assert.Equal("connected:support", host.Outcome?.Code);
        Assert.Empty(host.Of<SurveyEffect>());
    }

    [Fact]
    public void QueueWithoutAfterAgent_Connected_EndsTheRunAsBefore_AgentLeftIgnored()
    {
        var (run, host) = Start(AgentFlow(afterAgent: false));
        run.QueueResult(QueueOutcome.Connected);
        run.AgentLeft();

        Assert.Equal("connected:support", host.Outcome?.Code);
    }

    [Fact]
    public void AgentLeft_BeforeConnected_IsIgnored()
    {
        var (run, host) = Start(AgentFlow());

        run.AgentLeft();

        Assert.Equal("q", run.CurrentStep);
        Assert.Equal(FlowWait.Queue, run.Waiting);
        Assert.Null(host.Outcome);
    }
}
