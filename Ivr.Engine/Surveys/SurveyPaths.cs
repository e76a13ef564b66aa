namespace Ivr.Engine.Surveys;

/// <summary>
/// The path categories a survey is stored with, and how a call's facts fall into one: a callback, a message left, how long
/// the caller waited for the agent (under <c>Surveys:NoWaitSeconds</c> counts as no wait; then &lt;2, 2–5, 5–10, &gt;10 min).
/// </summary>
public static class SurveyPaths
{
    /// <summary>The agent answered before <c>Surveys:NoWaitSeconds</c>.</summary>
    public const string NoWait = "answered without waiting";

    /// <summary>Waited at least <c>NoWaitSeconds</c> but under 2 minutes.</summary>
    public const string WaitedUnder2 = "waited <2 min";

    /// <summary>Waited 2 to 5 minutes.</summary>
    public const string Waited2To5 = "waited 2-5 min";

    /// <summary>Waited 5 to 10 minutes.</summary>
    public const string Waited5To10 = "waited 5-10 min";

    /// <summary>Waited more than 10 minutes.</summary>
    public const string WaitedOver10 = "waited >10 min";

    /// <summary>The survey ran at the end of a callback.</summary>
    public const string Callback = "took a callback";

    /// <summary>The caller left a message.</summary>
    public const string Message = "left a message";

    /// <summary>No agent, no callback, no message: the caller stayed in the flow (a survey after self-service).</summary>
    public const string SelfService = "self-service";

    /// <summary>Every category, in the order reports list them.</summary>
    public static readonly IReadOnlyList<string> All = [NoWait, WaitedUnder2, Waited2To5, Waited5To10, WaitedOver10, Callback, Message, SelfService];

    /// <summary>
    /// The category of a survey: a callback first, then a message left, then the wait before the agent answered
    /// (<paramref name="waited"/>, null when no agent did) against <paramref name="noWait"/>.
    /// </summary>
    public static string Categorise(bool callback, bool leftMessage, TimeSpan? waited, TimeSpan noWait)
    {
        if (callback) return Callback;
        if (leftMessage) return Message;
        if (waited is not { } w) return SelfService;
        if (w < noWait) return NoWait;
        if (w < TimeSpan.FromMinutes(2)) return WaitedUnder2;
        if (w < TimeSpan.FromMinutes(5)) return Waited2To5;
        if (w <= TimeSpan.FromMinutes(10)) return Waited5To10;
        return WaitedOver10;
    }
}
