using System.Text.Json.Serialization;

namespace Ivr.Engine.Events;

/// <summary>The <c>data</c> of a call event (JSON, camelCase, absent fields left out); which fields a type has is in <c>docs/events.md</c>.</summary>
public sealed record CallEventData
{
    /// <summary>The call's id (as in <c>/api/calls/{id}</c>); also the CloudEvent's <c>subject</c>.</summary>
    public required string CallId { get; init; }

    /// <summary><c>inbound</c> or <c>callback</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The call's position in its own sequence of events (1, 2, …): the order of one call's events.</summary>
    public required int Sequence { get; init; }

    /// <summary>When it happened (the timeline's time).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The caller's number (a callback: the From the engine dials with).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? From { get; init; }

    /// <summary>The dialled number (a callback: the customer's number).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? To { get; init; }

    /// <summary>The flow (inbound calls).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Flow { get; init; }

    /// <summary>The flow's version.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Version { get; init; }

    /// <summary>The step the call was at.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Step { get; init; }

    /// <summary>The skill (queued for, offered on, served on).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Skill { get; init; }

    /// <summary>The queue priority.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Priority { get; init; }

    /// <summary>What was offered: <c>callback</c>, <c>message</c> or <c>callback+message</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Offer { get; init; }

    /// <summary>Why the router offered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Reason { get; init; }

    /// <summary>The caller's position in the line when offered.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Position { get; init; }

    /// <summary>The number a callback was booked for or dialled.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Number { get; init; }

    /// <summary>The callback's id in the store (callback attempts).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? CallbackId { get; init; }

    /// <summary>Which attempt of the callback (1 for the first).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Attempt { get; init; }

    /// <summary>The agent (connected, ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Agent { get; init; }

    /// <summary>How the call ended (ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Outcome { get; init; }

    /// <summary>The steps the caller went through, with keys and words (ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Path { get; init; }

    /// <summary>When the call started (ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it was answered, if it was (ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>The call's length in seconds from start to end (ended).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? DurationSeconds { get; init; }
}
