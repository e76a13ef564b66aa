using Ivr.Engine.Asterisk.Ari;
using Ivr.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Tests.Asterisk;

/// <summary><c>Asterisk:Ari:*</c> checked at start: a bad value stops it with a line naming the setting; empty leaves ARI off.</summary>
public sealed class AriOptionsTests
{
    [Theory]
    [InlineData("Url", "127.0.0.1:8088", "Asterisk:Ari:Url")]
    [InlineData("Url", "ftp://127.0.0.1:8088", "Asterisk:Ari:Url")]
    [InlineData("RtpAddress", "ivr-host", "Asterisk:Ari:RtpAddress")]
    [InlineData("App", " ", "Asterisk:Ari:App")]
    public void AddIvrAsterisk_BadAriSetting_FailsNamingIt(string key, string value, string named)
    {
        var options = Options();
        options.Ari.Url = "http://127.0.0.1:8088";
        switch (key)
        {
            case "Url": options.Ari.Url = value; break;
            case "RtpAddress": options.Ari.RtpAddress = value; break;
            default: options.Ari.App = value; break;
        }

        var ex = Assert.Throws<FormatException>(() => new ServiceCollection().AddIvrAsterisk(options, Path.GetTempPath()));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddIvrAsterisk_AriUrlEmpty_RegistersNoAriClient_ButASetOneDoes()
    {
        var off = new ServiceCollection().AddIvrAsterisk(Options(), Path.GetTempPath());
        var on = Options();
        on.Ari.Url = "http://127.0.0.1:8088";
        var with = new ServiceCollection().AddIvrAsterisk(on, Path.GetTempPath());

        Assert.DoesNotContain(off, d => d.ServiceType == typeof(AriClient));
        Assert.Contains(with, d => d.ServiceType == typeof(AriClient));
    }

    private static AsteriskOptions Options()
    {
        var options = new AsteriskOptions();
        options.FastAgi.Listen = "127.0.0.1:4573";
        return options;
    }
}
