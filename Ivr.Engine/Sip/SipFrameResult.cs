namespace Ivr.Engine.Sip;

/// <summary>Outcome of <see cref="SipStreamFramer.TryRead"/>.</summary>
public enum SipFrameResult
{
    /// <summary>No complete message yet: append more bytes.</summary>
    NeedMoreData,
    /// <summary>A complete message is available.</summary>
    Message,
    /// <summary>A CRLFCRLF keep-alive ping was consumed; answer with a single CRLF pong (RFC 5626 §4.4.1).</summary>
    KeepAlivePing,
    /// <summary>Framing failed; the stream cannot be resynchronised and the connection should be closed (RFC 4475 §3.3.9).</summary>
    Error,
}
