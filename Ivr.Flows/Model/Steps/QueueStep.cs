namespace Ivr.Flows.Model.Steps;

/// <summary>Puts the caller in a skill's queue; the host reports the outcome.</summary>
public sealed record QueueStep : Step
{
    public override string Kind => "queue";
    public required string Skill { get; init; }
    public int Priority { get; init; } = 5;
    public QueueAnnounce? Announce { get; init; }
    public PromptRef? Hold { get; init; }
    public OfferPolicy? Offer { get; init; }
    public QueueOverflow? Overflow { get; init; }
    public double? MaxWait { get; init; }
    public PreferLastAgent? PreferLastAgent { get; init; }

    /// <summary>Flow variables shown to the agent who takes the call (SIP headers, screen-pop, the call's API), in order.</summary>
    public IReadOnlyList<string> ForAgent { get; init; } = [];

    public required string OnCallback { get; init; }
    public required string OnMessage { get; init; }
    public required string OnFailure { get; init; }

    /// <summary>Where the caller's flow goes on when the agent hangs up first (e.g. a survey); null: the call ends with the agent.</summary>
    public string? AfterAgent { get; init; }

    public override IEnumerable<StepLink> Links()
    {
        yield return new("callback", OnCallback, Pointer + "/onCallback");
        yield return new("message", OnMessage, Pointer + "/onMessage");
        yield return new("failure", OnFailure, Pointer + "/onFailure");
        if (AfterAgent is not null) yield return new("afterAgent", AfterAgent, Pointer + "/afterAgent");
    }

    public override IEnumerable<PromptRef> PromptRefs()
    {
        if (Hold is not null) yield return Hold;
        if (Offer?.Prompt is not null) yield return Offer.Prompt;
    }
}

/// <summary>Periodic announcements while waiting.</summary>
public sealed record QueueAnnounce(bool Position, bool ExpectedWait, double Every);

/// <summary>
/// Offer a returning caller to the agent of their last contact first: when that contact started within
/// <see cref="WithinHours"/> and the agent is signed in for the skill, the caller is held for them for
/// <see cref="WaitSeconds"/> from entering the line, then goes to any agent in their original place.
/// </summary>
public sealed record PreferLastAgent(double WithinHours, double WaitSeconds);

/// <summary>Move the caller to another skill after <see cref="After"/> seconds.</summary>
public sealed record QueueOverflow(double After, string Skill);

/// <summary>When to offer a callback or a message instead of waiting.</summary>
public sealed record OfferPolicy
{
    public bool Callback { get; init; } = true;
    public bool Message { get; init; }
    public double? WhenWaitOver { get; init; }
    public double? WhenAbandonRateOver { get; init; }
    public int? WhenQueueLongerThan { get; init; }
    public double? WhenLikelyToAbandon { get; init; }
    public double? ReofferEvery { get; init; }
    public PromptRef? Prompt { get; init; }
    public string CallbackKey { get; init; } = "1";
    public string MessageKey { get; init; } = "2";
    public string StayKey { get; init; } = "3";
}
