using Ivr.Engine.Hosting;
using Ivr.Engine.Sip.Auth;
using Microsoft.Extensions.Configuration;

namespace Ivr.Tests.Sip.Registrar;

public class RegistrarSettingsTests
{
    private static EngineOptions Bind(params (string Key, string Value)[] pairs) =>
        EngineOptions.From(new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build());

    [Fact]
    public void Defaults_OfferSha256ThenMd5_InRealmIvr()
    {
        var options = Bind().Registrar.ToOptions();

        Assert.Equal([DigestAlgorithm.Sha256, DigestAlgorithm.Md5], options.Algorithms);
        Assert.Equal("ivr", options.Realm);
        options.Validate();
    }

    [Fact]
    public void Configured_AlgorithmsRealmAndExpiry_Bind()
    {
        var options = Bind(("Registrar:Algorithms:0", "md5"), ("Registrar:Realm", "calls.example.com"), ("Registrar:MinExpires", "00:02:00")).Registrar.ToOptions();

        Assert.Equal([DigestAlgorithm.Md5], options.Algorithms);
        Assert.Equal("calls.example.com", options.Realm);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MinExpires);
    }

    [Theory]
    [InlineData("Registrar:Algorithms:0", "SHA-512-256", "SHA-512-256")]
    [InlineData("Registrar:Realm", "a\"b", "realm")]
    [InlineData("Registrar:MinExpires", "02:00:00", "MaxExpires")]
    public void BadSettings_FailWithAClearMessage(string key, string value, string mentioned)
    {
        var error = Assert.Throws<ArgumentException>(() => Bind((key, value)).Registrar.ToOptions().Validate());

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }
}
