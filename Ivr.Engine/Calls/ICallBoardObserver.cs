namespace Ivr.Engine.Calls;

/// <summary>
/// Told when a call's timeline opens and when it closes (see <see cref="CallBoard.Subscribe"/>). Called on the call's own
/// thread: an observer only takes note (queues the timeline) and returns, never blocks and never throws.
/// </summary>
public interface ICallBoardObserver
{
    /// <summary>A call (inbound or a callback attempt) started: its timeline is live.</summary>
    void Opened(CallTimeline timeline);

    /// <summary>A call ended: its timeline's summary has its outcome and end time.</summary>
    void Closed(CallTimeline timeline);
}
