namespace Ivr.Engine.Routing.Callbacks;

/// <summary>Where a booked callback stands.</summary>
public enum CallbackState
{
    /// <summary>Waiting for its place to reach the head (or for its next attempt).</summary>
    Pending,

    /// <summary>Leased by a dialer: an attempt is in progress.</summary>
    Dialling,

    /// <summary>The customer answered and was bridged to an agent: done.</summary>
    Connected,

    /// <summary>Given up after the last attempt (or refused for good): done, reported.</summary>
    Failed,

    /// <summary>Cancelled before it was served: done.</summary>
    Cancelled,
}
