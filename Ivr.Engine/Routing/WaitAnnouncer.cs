namespace Ivr.Engine.Routing;

/// <summary>
/// One caller's announced waits: each announcement is the estimate's range, capped so that it never goes up once
/// announced unless the queue truly changed. The cap is lifted (reset) when fewer agents are staffed than at the
/// previous announcement, or when the host calls <see cref="Reset"/> (e.g. the caller moved to another skill).
/// It deals in values (the range's bucket and bounds); the words for a range are the host's, in the caller's language
/// (the engine's prompts file).
/// </summary>
public sealed class WaitAnnouncer
{
    private AnnouncedWait? _last;
    private int _staffedAtLast;

    /// <summary>The last range announced, if any.</summary>
    public AnnouncedWait? Last => _last;

    /// <summary>The range (bucket and bounds) to announce now for <paramref name="estimate"/> with <paramref name="staffedAgents"/> agents staffed.</summary>
    public AnnouncedWait Announce(TimeSpan estimate, int staffedAgents)
    {
        var next = AnnouncedWait.From(estimate);
        var staffingFell = _last is not null && staffedAgents < _staffedAtLast;
        if (_last is not null && !staffingFell && next.Bucket > _last.Bucket) next = _last;
        _last = next;
        _staffedAtLast = staffedAgents;
        return next;
    }

    /// <summary>Forgets the cap: the next announcement may be longer than the last.</summary>
    public void Reset() => _last = null;
}
