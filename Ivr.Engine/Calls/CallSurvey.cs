using Ivr.Engine.Calls.Queue;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>Keeps a call's survey on its timeline (<see cref="CallTimeline.Survey"/>) with what the call knows of the caller's path.</summary>
internal static class CallSurvey
{
    /// <summary>The run entered a survey step or settled one of its questions: the timeline gets where the survey stands.</summary>
    public static void Note(CallContext call, QueueDialogue queue, SurveyEffect survey)
    {
        var run = call.Run;
        var (skill, agent, waited) = queue.Served;
        var offeredAt = call.Timeline.Survey is { } earlier && earlier.Step == survey.Step ? earlier.OfferedAt : call.Services.Time.GetUtcNow();
        var leftMessage = !string.IsNullOrEmpty(run?.GetVariable("message.path"));
        call.Timeline.Surveyed(new SurveyTaken(
            run?.CurrentFlow ?? call.Setup.Flow.Id, survey.Step, offeredAt, survey.Scores, survey.Finished, skill, agent, waited, leftMessage, Callback: false));
    }
}
