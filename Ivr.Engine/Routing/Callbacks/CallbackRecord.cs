namespace Ivr.Engine.Routing.Callbacks;

/// <summary>A stored callback.</summary>
/// <param name="Id">Store-assigned id.</param>
/// <param name="IdempotencyKey">The booking's unique key.</param>
/// <param name="Skill">The skill whose line holds the virtual place.</param>
/// <param name="Number">The number to call.</param>
/// <param name="CallerNumber">The caller ID of the call that booked it.</param>
/// <param name="EnteredQueueAt">Original time in the line: its virtual place.</param>
/// <param name="BookedAt">When it was booked.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Attempts">Dial attempts started (counted when leased, so an attempt cut short by a crash counts).</param>
/// <param name="NextAttemptAt">Not dialled before this instant.</param>
/// <param name="LastOutcome">The last attempt's outcome or a note (e.g. "interrupted by restart"), if any.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Language">The caller's language when booked (null: booked before languages were kept, or unknown).</param>
/// <param name="ConversationStartedAt">When the current attempt's customer and agent were bridged, if they were.</param>
/// <param name="ConversationSeenAt">The last time that conversation was recorded as still going.</param>
/// <param name="LeaseOwner">The node that holds (Dialling) or last held its lease.</param>
/// <param name="LeaseExpiresAt">While Dialling: when the lease lapses unless its owner renews it; null otherwise.</param>
public sealed record CallbackRecord(
    long Id,
    string IdempotencyKey,
    string Skill,
    string Number,
    string? CallerNumber,
    DateTimeOffset EnteredQueueAt,
    DateTimeOffset BookedAt,
    CallbackState State,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastOutcome,
    DateTimeOffset UpdatedAt,
    string? Language = null,
    DateTimeOffset? ConversationStartedAt = null,
    DateTimeOffset? ConversationSeenAt = null,
    string? LeaseOwner = null,
    DateTimeOffset? LeaseExpiresAt = null);
