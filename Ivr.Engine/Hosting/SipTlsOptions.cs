using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Hosting;

/// <summary>SIP over TLS (<c>Sip:Tls</c> section): used when <c>Sip:Transports</c> includes <c>tls</c>.</summary>
public sealed class SipTlsOptions
{
    /// <summary>Our certificate as PEM (the chain may follow; the private key too when <see cref="KeyFile"/> is empty).</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The certificate's private key as PEM (PKCS#8, or RSA/EC); empty when it is in <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>
    /// PEM certificates trusted as roots when the engine connects to a TLS server (a lab CA, or the server's own
    /// self-signed certificate); empty: the system's trust store. Server certificates are always verified.
    /// </summary>
    public string TrustedCaFile { get; set; } = "";

    /// <summary>A TLS handshake not finished within this long is dropped (it holds a connection slot until then).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Loads the PEM files; throws <see cref="InvalidOperationException"/> with one line naming the setting and the file
    /// when a file is not set, missing, unreadable, not a certificate with its key, expired or not yet valid.
    /// </summary>
    public SipTlsSettings Load(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(CertificateFile))
        {
            throw new InvalidOperationException("Sip:Tls:CertificateFile is not set; Sip:Transports includes tls, which needs a certificate and key (PEM).");
        }
        if (HandshakeTimeout <= TimeSpan.Zero) throw new InvalidOperationException($"Sip:Tls:HandshakeTimeout must be positive, got {HandshakeTimeout:c}.");
        var keyFile = string.IsNullOrWhiteSpace(KeyFile) ? null : KeyFile;
        Require("Sip:Tls:CertificateFile", CertificateFile);
        if (keyFile is not null) Require("Sip:Tls:KeyFile", keyFile);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(CertificateFile, keyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var setting = keyFile is null ? $"Sip:Tls:CertificateFile '{CertificateFile}'" : $"Sip:Tls:CertificateFile '{CertificateFile}' with Sip:Tls:KeyFile '{keyFile}'";
            throw new InvalidOperationException($"{setting} cannot be loaded as a PEM certificate and private key: {OneLine(ex.Message)}", ex);
        }
        var now = time.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime)
        {
            throw new InvalidOperationException($"Sip:Tls:CertificateFile '{CertificateFile}': the certificate expired on {certificate.NotAfter.ToUniversalTime():u}.");
        }
        if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            throw new InvalidOperationException($"Sip:Tls:CertificateFile '{CertificateFile}': the certificate is not valid before {certificate.NotBefore.ToUniversalTime():u}.");
        }
        var chain = LoadChain(certificate);
        var roots = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(TrustedCaFile))
        {
            Require("Sip:Tls:TrustedCaFile", TrustedCaFile);
            try
            {
                roots.ImportFromPemFile(TrustedCaFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Sip:Tls:TrustedCaFile '{TrustedCaFile}' cannot be loaded as PEM certificates: {OneLine(ex.Message)}", ex);
            }
            if (roots.Count == 0) throw new InvalidOperationException($"Sip:Tls:TrustedCaFile '{TrustedCaFile}' holds no PEM certificate.");
        }
        return new SipTlsSettings { Certificate = certificate, Chain = chain, TrustedRoots = roots, HandshakeTimeout = HandshakeTimeout };
    }

    // Every certificate in CertificateFile other than ours is its chain (intermediates, perhaps the root), sent as it is.
    private X509Certificate2Collection LoadChain(X509Certificate2 leaf)
    {
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(CertificateFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Sip:Tls:CertificateFile '{CertificateFile}': the certificates after the first cannot be loaded: {OneLine(ex.Message)}", ex);
        }
        var chain = new X509Certificate2Collection();
        foreach (var cert in all)
        {
            if (cert.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) cert.Dispose();
            else chain.Add(cert);
        }
        return chain;
    }

    private static void Require(string setting, string path)
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"{setting} '{path}' does not exist.");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
