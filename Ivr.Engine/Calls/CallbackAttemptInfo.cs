namespace Ivr.Engine.Calls;

/// <summary>A callback attempt as the <see cref="CallBoard"/> lists it.</summary>
/// <param name="CallbackId">The callback's id in the store.</param>
/// <param name="Attempt">Which attempt this is (1 for the first).</param>
/// <param name="Number">The customer's number.</param>
/// <param name="From">The From user the engine dials with.</param>
/// <param name="Skill">The skill the callback was booked for.</param>
/// <param name="Agent">The agent reserved for it.</param>
public sealed record CallbackAttemptInfo(long CallbackId, int Attempt, string Number, string From, string Skill, string Agent)
{
    /// <summary>The attempt's id on the board: <c>callback-{id}-{attempt}</c> (its legs' SIP Call-IDs are in its timeline).</summary>
    public string CallId => FormattableString.Invariant($"callback-{CallbackId}-{Attempt}");
}
