namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// Receives one complete SIP message as raw bytes. The span is only valid during the call (the buffer is reused):
/// parse it or copy it before returning.
/// </summary>
public delegate void SipDatagramHandler(ReadOnlySpan<byte> message, SipEndPoint remote, SipEndPoint local);
