namespace Ivr.Engine.Asterisk.Ami;

/// <summary>Where an <see cref="AmiQueueWatcher"/> reports what happens in one Asterisk's app_queue queues. Callers are named by their channel's <c>Uniqueid</c>.</summary>
public interface IAmiQueueSink
{
    /// <summary>A caller joined <paramref name="queue"/> (<c>QueueCallerJoin</c>).</summary>
    void Joined(string asterisk, string queue, string caller);

    /// <summary>A caller left <paramref name="queue"/> for any reason (<c>QueueCallerLeave</c>).</summary>
    void Left(string asterisk, string queue, string caller);

    /// <summary>A caller hung up while waiting (<c>QueueCallerAbandon</c>), after <paramref name="waited"/>.</summary>
    void Abandoned(string asterisk, string queue, string caller, TimeSpan waited);

    /// <summary>A member answered a caller (<c>AgentConnect</c>) who had waited <paramref name="waited"/>.</summary>
    void Answered(string asterisk, string queue, string caller, TimeSpan waited);

    /// <summary>A member finished a call from <paramref name="queue"/> (<c>AgentComplete</c>) that lasted <paramref name="talked"/>.</summary>
    void Completed(string asterisk, string queue, string caller, TimeSpan talked);

    /// <summary>A member's state changed (<c>QueueMemberStatus</c>, <c>QueueMemberAdded</c>, <c>QueueMemberPause</c>).</summary>
    void Member(string asterisk, string queue, string member, AmiMemberStatus status);

    /// <summary>A member left <paramref name="queue"/> (<c>QueueMemberRemoved</c>).</summary>
    void MemberRemoved(string asterisk, string queue, string member);

    /// <summary>Every queue as a <c>QueueStatus</c> action saw it (at each login): replaces what was known.</summary>
    void Resynced(string asterisk, IReadOnlyList<AmiQueueSnapshot> queues);
}

/// <summary>One queue in a <c>QueueStatus</c> answer.</summary>
/// <param name="Queue">Its name.</param>
/// <param name="Callers">Callers waiting (<c>QueueEntry</c>): unique id and how long each has waited.</param>
/// <param name="Members">Members (<c>QueueMember</c>): name and state.</param>
public sealed record AmiQueueSnapshot(string Queue, IReadOnlyList<(string Caller, TimeSpan Waited)> Callers, IReadOnlyList<(string Member, AmiMemberStatus Status)> Members);
