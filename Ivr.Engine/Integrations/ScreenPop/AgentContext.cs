namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>
/// What the agent who is rung should know of the call, built once when the call is delivered to them: the same record goes
/// out as <c>X-Ivr-*</c> headers on the INVITE to the agent (<see cref="AgentContextHeaders"/>), as the screen-pop webhook's
/// body and in <c>GET /api/calls/{id}</c>.
/// </summary>
/// <param name="CallId">The caller's call id (SIP Call-ID of the caller's leg, or <c>callback-{id}</c> for a callback).</param>
/// <param name="Kind"><c>inbound</c> (a caller who waited in a line) or <c>callback</c> (a customer the engine called back).</param>
/// <param name="Skill">The skill the call is delivered for.</param>
/// <param name="Agent">The agent rung, null before delivery (a context shown while the caller still waits).</param>
/// <param name="CallerNumber">The caller's number (a callback's: the number dialled); null when withheld.</param>
/// <param name="Flow">The flow the caller went through, null for a callback.</param>
/// <param name="QueuedAt">When the caller entered the line (a callback: when its caller first queued).</param>
/// <param name="BuiltAt">When this context was built.</param>
/// <param name="WaitedSeconds">Whole seconds from <paramref name="QueuedAt"/> to <paramref name="BuiltAt"/>.</param>
/// <param name="Path">The steps taken with what was chosen, said and typed (<c>main_menu['billing'] &gt; account[6 digits] &gt; support</c>); empty for a callback.</param>
/// <param name="Offers">The callback / message offers made while waiting and what the caller answered, in order.</param>
/// <param name="Variables">The flow variables the <c>queue</c> step marks <c>forAgent</c>, in its order (an unset one is left out).</param>
/// <param name="Contacts">The caller's previous contacts, null when unknown (no history, withheld number, lookup not done in time).</param>
public sealed record AgentContext(
    string CallId,
    string Kind,
    string Skill,
    string? Agent,
    string? CallerNumber,
    string? Flow,
    DateTimeOffset QueuedAt,
    DateTimeOffset BuiltAt,
    long WaitedSeconds,
    string Path,
    IReadOnlyList<AgentOffer> Offers,
    IReadOnlyList<AgentVariable> Variables,
    PreviousContacts? Contacts)
{
    /// <summary>A caller who waited in a line.</summary>
    public const string InboundKind = "inbound";

    /// <summary>A customer called back.</summary>
    public const string CallbackKind = "callback";

    /// <summary>The callback's id (a callback only).</summary>
    public long? CallbackId { get; init; }

    /// <summary>When the callback was booked (a callback only).</summary>
    public DateTimeOffset? BookedAt { get; init; }

    /// <summary>The callback's attempt number, from 1 (a callback only).</summary>
    public int? Attempt { get; init; }
}
