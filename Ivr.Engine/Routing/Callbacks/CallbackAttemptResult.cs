namespace Ivr.Engine.Routing.Callbacks;

/// <summary>How one dial attempt of a callback ended.</summary>
public enum CallbackAttemptResult
{
    /// <summary>Answered and bridged to the agent.</summary>
    Connected,

    /// <summary>Rang out without an answer: retried after a back-off while attempts remain.</summary>
    NoAnswer,

    /// <summary>Busy: retried after a back-off while attempts remain.</summary>
    Busy,

    /// <summary>Refused for good (number unreachable, trunk rejected it): failed at once.</summary>
    Rejected,
}
