namespace Ivr.Engine.Media;

/// <summary>An <c>a=rtcp</c> attribute (RFC 3605 §2.1): the RTCP port, and optionally its address, when not RTP port + 1.</summary>
public sealed record SdpRtcp(int Port, SdpConnection? Connection = null)
{
    /// <summary>The value after <c>a=rtcp:</c>.</summary>
    public override string ToString() => Connection is null ? $"{Port}" : $"{Port} {Connection}";
}
