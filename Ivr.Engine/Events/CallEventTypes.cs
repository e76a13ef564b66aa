namespace Ivr.Engine.Events;

/// <summary>The CloudEvents <c>type</c>s of a call's life (see <c>docs/events.md</c>).</summary>
public static class CallEventTypes
{
    /// <summary>The prefix of every type.</summary>
    public const string Prefix = "com.ivr.";

    /// <summary>An inbound call was taken (INVITE) on a flow.</summary>
    public const string Started = Prefix + "call.started";

    /// <summary>The caller joined a skill's line.</summary>
    public const string Queued = Prefix + "call.queued";

    /// <summary>A waiting caller was offered a callback and/or a message.</summary>
    public const string Offered = Prefix + "call.offered";

    /// <summary>A callback was booked for the caller.</summary>
    public const string CallbackBooked = Prefix + "callback.booked";

    /// <summary>The engine dialled a booked callback (one attempt).</summary>
    public const string CallbackDialled = Prefix + "callback.dialled";

    /// <summary>The call (inbound or callback) was bridged to an agent.</summary>
    public const string Connected = Prefix + "call.connected";

    /// <summary>The call ended (with its outcome, path, skill and agent).</summary>
    public const string Ended = Prefix + "call.ended";

    /// <summary>A survey was answered (reserved: the survey step is not built yet).</summary>
    public const string SurveyAnswered = Prefix + "survey.answered";

    /// <summary>Every type, in the order of a call's life.</summary>
    public static readonly IReadOnlyList<string> All = [Started, Queued, Offered, CallbackBooked, CallbackDialled, Connected, Ended, SurveyAnswered];
}
