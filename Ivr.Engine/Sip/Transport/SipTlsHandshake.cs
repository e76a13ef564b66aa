using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Ivr.Engine.Sip.Transport;

/// <summary>
/// The TLS side of a SIP connection (RFC 3261 §26.2.1, RFC 5630): TLS 1.2 or 1.3 only, our certificate as the server, the
/// peer's certificate verified (chain and name) when we are the client.
/// </summary>
internal sealed class SipTlsHandshake
{
    /// <summary>TLS 1.0 and 1.1 are refused (RFC 8996).</summary>
    internal const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    private readonly SipTlsSettings _settings;
    private readonly SslStreamCertificateContext _serverContext;

    public SipTlsHandshake(SipTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _serverContext = SslStreamCertificateContext.Create(settings.Certificate, additionalCertificates: settings.Chain, offline: true);
    }

    public TimeSpan Timeout => _settings.HandshakeTimeout;

    /// <summary>Authenticates as the server on an accepted connection; throws on a failed or cancelled handshake.</summary>
    public async Task<SslStream> AcceptAsync(Stream inner, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _serverContext,
                EnabledSslProtocols = Protocols,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Authenticates as the client toward <paramref name="remote"/>: the server's certificate must chain to a trusted root
    /// (<see cref="SipTlsSettings.TrustedRoots"/> or the system's) and name <paramref name="host"/>, the target's domain
    /// (RFC 5922 §4), or the address we connect to when the target was an IP literal (null).
    /// </summary>
    public async Task<SslStream> ConnectAsync(Stream inner, IPEndPoint remote, string? host, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host ?? remote.Address.ToString(),
            EnabledSslProtocols = Protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificates = [_settings.Certificate],
        };
        if (_settings.TrustedRoots.Count > 0)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(_settings.TrustedRoots);
            options.CertificateChainPolicy = policy;
        }
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
