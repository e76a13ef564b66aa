namespace Ivr.Engine.Sip;

/// <summary>
/// Why a message was refused, the status code a UAS should answer with (400, 414, 505, 513) and whether enough of
/// the request was understood (method, top Via, CSeq) to build that response with <see cref="SipResponse.CreateFor"/>.
/// When <see cref="CanRespond"/> is false the message must be silently dropped (always the case for responses).
/// </summary>
/// <param name="Code">What is wrong.</param>
/// <param name="Detail">A short human-readable explanation (for logs and the reason phrase).</param>
/// <param name="StatusCode">The response code to send when <see cref="CanRespond"/> is true.</param>
/// <param name="CanRespond">True if an error response can and should be sent.</param>
public readonly record struct SipParseError(SipParseErrorCode Code, string Detail, int StatusCode, bool CanRespond)
{
    /// <summary>The absence of an error.</summary>
    public static SipParseError None { get; } = new(SipParseErrorCode.None, "", 0, false);

    /// <summary>True if this describes an error.</summary>
    public bool IsError => Code != SipParseErrorCode.None;
}
