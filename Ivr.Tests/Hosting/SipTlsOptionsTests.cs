using Ivr.Engine.Hosting;
using Ivr.Tests.Cli;
using Ivr.Tests.Sip.Transport;

namespace Ivr.Tests.Hosting;

/// <summary>Loading the TLS certificate named in settings: what works, and the one-line error for what does not.</summary>
public sealed class SipTlsOptionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-tls-options-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Load_CertificateAndKeyFiles_GivesTheCertificateWithItsKey()
    {
        using var made = TestCertificate.Create(_folder.FullName);
        var settings = new SipTlsOptions { CertificateFile = made.CertificateFile, KeyFile = made.KeyFile, TrustedCaFile = made.CertificateFile }.Load(TimeProvider.System);

        Assert.True(settings.Certificate.HasPrivateKey);
        Assert.Equal(made.Certificate.Thumbprint, settings.Certificate.Thumbprint);
        Assert.Equal(made.Certificate.Thumbprint, Assert.Single(settings.TrustedRoots).Thumbprint);
    }

    [Fact]
    public void Load_KeyInTheCertificateFile_Works()
    {
        using var made = TestCertificate.Create(_folder.FullName);
        var settings = new SipTlsOptions { CertificateFile = made.CombinedFile }.Load(TimeProvider.System);

        Assert.True(settings.Certificate.HasPrivateKey);
        Assert.Empty(settings.TrustedRoots);
    }

    [Fact]
    public void Load_MissingFile_NamesTheSettingAndTheFile()
    {
        var path = Path.Combine(_folder.FullName, "nope.pem");
        var error = Assert.Throws<InvalidOperationException>(() => new SipTlsOptions { CertificateFile = path }.Load(TimeProvider.System));

        Assert.Equal($"Sip:Tls:CertificateFile '{path}' does not exist.", error.Message);
    }

    [Fact]
    public void Load_NotPem_NamesTheSettingAndTheFileOnOneLine()
    {
        var path = Path.Combine(_folder.FullName, "garbage.pem");
        File.WriteAllText(path, "this is\nnot a certificate\n");
        var error = Assert.Throws<InvalidOperationException>(() => new SipTlsOptions { CertificateFile = path }.Load(TimeProvider.System));

        Assert.StartsWith($"Sip:Tls:CertificateFile '{path}' cannot be loaded", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_CertificateWithoutItsKey_IsRefused()
    {
        using var made = TestCertificate.Create(_folder.FullName);
        var error = Assert.Throws<InvalidOperationException>(() => new SipTlsOptions { CertificateFile = made.CertificateFile }.Load(TimeProvider.System));

        Assert.Contains($"Sip:Tls:CertificateFile '{made.CertificateFile}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_ExpiredCertificate_SaysWhenItExpired()
    {
        var now = DateTimeOffset.UtcNow;
        using var made = TestCertificate.Create(_folder.FullName, now.AddDays(-30), now.AddDays(-1));
        var error = Assert.Throws<InvalidOperationException>(() => new SipTlsOptions { CertificateFile = made.CertificateFile, KeyFile = made.KeyFile }.Load(TimeProvider.System));

        Assert.StartsWith($"Sip:Tls:CertificateFile '{made.CertificateFile}': the certificate expired on ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTrustedCaFile_NamesThatSetting()
    {
        using var made = TestCertificate.Create(_folder.FullName);
        var ca = Path.Combine(_folder.FullName, "ca.pem");
        var error = Assert.Throws<InvalidOperationException>(() => new SipTlsOptions { CertificateFile = made.CombinedFile, TrustedCaFile = ca }.Load(TimeProvider.System));

        Assert.Equal($"Sip:Tls:TrustedCaFile '{ca}' does not exist.", error.Message);
    }

    [Fact]
    public async Task Serve_TlsWithAMissingCertificate_ExitsNonZeroWithOneLineNamingSettingAndFile()
    {
        var path = Path.Combine(_folder.FullName, "missing.pem");
        var result = await CliRunner.Run("serve", "--port", "0", "--set", "Sip:Transports:0=udp", "--set", "Sip:Transports:1=tls", "--set", "Sip:Tls:CertificateFile=" + path);

        Assert.NotEqual(0, result.Code);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"Sip:Tls:CertificateFile '{path}' does not exist.", line, StringComparison.Ordinal);
    }
}
