namespace Ivr.Engine.Media;

/// <summary>When a <see cref="DtmfReceiver"/> reports a digit.</summary>
public enum DtmfReportMode
{
    /// <summary>On the first packet of a new event (lowest latency; RFC 4733 §2.5.2.2 allows acting on the start).</summary>
    OnStart,

    /// <summary>On the first packet carrying the E bit (the digit's full duration is known).</summary>
    OnEnd,
}
