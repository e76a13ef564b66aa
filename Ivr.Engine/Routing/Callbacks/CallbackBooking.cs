namespace Ivr.Engine.Routing.Callbacks;

/// <summary>A callback a caller asked for, before it is stored.</summary>
/// <param name="IdempotencyKey">Unique per request (e.g. the call's id plus the offer number): booking twice books once.</param>
/// <param name="Skill">The skill whose line holds the virtual place.</param>
/// <param name="Number">The E.164 number to call back (checked by the dial plan).</param>
/// <param name="CallerNumber">The caller ID of the call that booked it.</param>
/// <param name="EnteredQueueAt">When the caller first joined the line: the virtual place keeps this time.</param>
/// <param name="BookedAt">When the caller accepted.</param>
/// <param name="Language">The caller's language in the flow (e.g. <c>fr-FR</c>): the callback greets them in it.</param>
public sealed record CallbackBooking(
    string IdempotencyKey,
    string Skill,
    string Number,
    string? CallerNumber,
    DateTimeOffset EnteredQueueAt,
    DateTimeOffset BookedAt,
    string? Language = null);
