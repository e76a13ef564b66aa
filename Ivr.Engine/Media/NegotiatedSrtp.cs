namespace Ivr.Engine.Media;

/// <summary>
/// SRTP agreed by SDES (RFC 4568 §7): the <c>a=crypto</c> tag and suite both sides use, the master key and salt we send
/// with (in our SDP), and the one we receive with (in theirs) with its lifetime in packets.
/// </summary>
public sealed record NegotiatedSrtp(int Tag, SrtpSuite Suite, ReadOnlyMemory<byte> SendKey, ReadOnlyMemory<byte> ReceiveKey, ulong ReceiveLifetime = SrtpSuites.MaxLifetime)
{
    /// <summary>The crypto context that protects what we send.</summary>
    public SrtpContext CreateSendContext() => new(Suite, SendKey.Span);

    /// <summary>The crypto context that unprotects what we receive.</summary>
    public SrtpContext CreateReceiveContext() => new(Suite, ReceiveKey.Span, ReceiveLifetime);

    /// <summary>A fresh random master key and salt (RFC 4568 §6.1, RFC 3711 §8.1: from a cryptographic random source).</summary>
    public static byte[] NewKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(SrtpSuites.KeyAndSaltLength);

    /// <summary>Keys stay out of logs.</summary>
    public override string ToString() => $"SRTP {SrtpSuites.Name(Suite)} (tag {Tag})";
}
