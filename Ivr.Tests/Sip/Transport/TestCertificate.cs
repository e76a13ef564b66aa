using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ivr.Tests.Sip.Transport;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost made with .NET's <see cref="CertificateRequest"/> (a lab
/// certificate, as docs/sip-stack.md describes), and its PEM files in a test's own folder.
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate, string certificateFile, string keyFile, string combinedFile)
    {
        Certificate = certificate;
        CertificateFile = certificateFile;
        KeyFile = keyFile;
        CombinedFile = combinedFile;
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate alone, PEM (also what a peer is told to trust).</summary>
    public string CertificateFile { get; }

    /// <summary>The private key, PKCS#8 PEM.</summary>
    public string KeyFile { get; }

    /// <summary>Certificate then key in one PEM file (baresip's <c>sip_certificate</c>).</summary>
    public string CombinedFile { get; }

    /// <summary>Makes a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: an hour ago to a day ahead) and writes its PEM files into <paramref name="folder"/>.</summary>
    public static TestCertificate Create(string folder, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string name = "ivr-test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(1));
        var certificateFile = Path.Combine(folder, name + ".crt.pem");
        var keyFile = Path.Combine(folder, name + ".key.pem");
        var combinedFile = Path.Combine(folder, name + ".pem");
        var certificatePem = made.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(certificateFile, certificatePem + "\n");
        File.WriteAllText(keyFile, keyPem + "\n");
        File.WriteAllText(combinedFile, certificatePem + "\n" + keyPem + "\n");
        // Loaded back from the PEM files, the way the engine loads its own (Sip:Tls:CertificateFile, Sip:Tls:KeyFile).
        return new TestCertificate(X509Certificate2.CreateFromPemFile(certificateFile, keyFile), certificateFile, keyFile, combinedFile);
    }

    public void Dispose() => Certificate.Dispose();
}
