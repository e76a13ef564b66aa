namespace Ivr.Engine.Sip.Stack;

/// <summary>How an outbound INVITE ended.</summary>
public enum OutboundCallStatus
{
    Answered,
    Rejected,
    TimedOut,
    Cancelled,
}

/// <summary>A call the engine placed (UAC, RFC 3261 §13.2): agent legs, callbacks, bridged transfers.</summary>
public interface IOutboundCall
{
    /// <summary>The dialog's Call-ID.</summary>
    string CallId { get; }

    /// <summary>How the INVITE ended.</summary>
    OutboundCallStatus Status { get; }

    /// <summary>The final status code (200 when answered).</summary>
    int StatusCode { get; }

    /// <summary>The SDP answer from the 2xx, when answered.</summary>
    string? SdpAnswer { get; }

    /// <summary>Sends BYE on an answered call.</summary>
    Task HangupAsync(CancellationToken cancellationToken);

    /// <summary>The far end hung up (BYE received and answered).</summary>
    event Action? RemoteHangup;
}
