using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ivr.Engine.Hosting;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Transport;

/// <summary>
/// A <c>fullchain.pem</c> (leaf then intermediate) loaded through <see cref="SipTlsOptions"/>: a client that trusts only
/// the root must get the intermediate in the handshake.
/// </summary>
public sealed class TlsChainTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-tls-chain-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task FullChainPem_SendsTheIntermediate_SoAClientTrustingOnlyTheRootVerifiesUs()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = Authority("CN=ivr-test-root", rootKey).CreateSelfSigned(now.AddHours(-2), now.AddDays(3));
        using var midKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var midPublic = Authority("CN=ivr-test-intermediate", midKey).Create(root, now.AddHours(-2), now.AddDays(2), [1, 2, 3, 4]);
        using var intermediate = midPublic.CopyWithPrivateKey(midKey);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=ivr-test-leaf", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(intermediate, now.AddHours(-1), now.AddDays(1), [5, 6, 7, 8]);

        var fullChain = Path.Combine(_folder.FullName, "fullchain.pem");
        var keyFile = Path.Combine(_folder.FullName, "privkey.pem");
        File.WriteAllText(fullChain, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, leafKey.ExportPkcs8PrivateKeyPem() + "\n");
        var settings = new SipTlsOptions { CertificateFile = fullChain, KeyFile = keyFile }.Load(TimeProvider.System);
        Assert.Equal(leaf.Thumbprint, settings.Certificate.Thumbprint);
        Assert.Equal(intermediate.Thumbprint, Assert.Single(settings.Chain).Thumbprint);

        await using var channel = new TlsSipChannel(new IPEndPoint(IPAddress.Loopback, 0), settings, NullLogger.Instance);
        await channel.StartAsync((_, _, _) => { }, CancellationToken.None);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(channel.LocalEndPoint.EndPoint);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(root.RawData));
        var errors = SslPolicyErrors.None;
        var chainLength = 0;
        using var cts = new CancellationTokenSource(Bound);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            CertificateChainPolicy = policy,
            RemoteCertificateValidationCallback = (_, _, chain, e) =>
            {
                errors = e;
                chainLength = chain?.ChainElements.Count ?? 0;
                return true;
            },
        }, cts.Token);
        Assert.Equal(SslPolicyErrors.None, errors);
        Assert.Equal(3, chainLength);
    }

    private static CertificateRequest Authority(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
