using System.Security.Cryptography.X509Certificates;

namespace Ivr.Engine.Sip.Transport;

/// <summary>What <see cref="TlsSipChannel"/> needs: our certificate, whom we trust as a server, and the handshake bound.</summary>
public sealed record SipTlsSettings
{
    /// <summary>Our certificate with its private key: presented to every TLS client (and to servers that ask for one).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>
    /// The intermediate certificates that follow ours in its PEM file (a <c>fullchain.pem</c>): sent in every handshake so
    /// a phone that trusts only the root can build the chain (RFC 8446 §4.4.2).
    /// </summary>
    public X509Certificate2Collection Chain { get; init; } = [];

    /// <summary>
    /// Roots trusted when we connect to a TLS server (a lab CA, or a self-signed server certificate itself); empty: the
    /// system's trust store. The server's certificate is always verified, and its name or address checked (RFC 5922 §7.2).
    /// </summary>
    public X509Certificate2Collection TrustedRoots { get; init; } = [];

    /// <summary>A TLS handshake (accepted or opened) not finished within this long is dropped, freeing its connection slot.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
