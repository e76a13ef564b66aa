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
    [InlineData("Url", "http://ivr:secret@127.0.0.1:8088", "Asterisk:Ari:Url")]
    [InlineData("Url", "http://127.0.0.1:8088/?x=1", "Asterisk:Ari:Url")]
    [InlineData("User", "", "Asterisk:Ari:User")]
    [InlineData("RequestTimeout", "0", "Asterisk:Ari:RequestTimeout")]
    [InlineData("RequestTimeout", "-1", "Asterisk:Ari:RequestTimeout")]
    public void AddIvrAsterisk_BadAriSetting_FailsNamingIt(string key, string value, string named)
    {
        var options = Options();
        options.Ari.Url = "http://127.0.0.1:8088";
        switch (key)
        {
            case "Url": options.Ari.Url = value; break;
            case "RtpAddress": options.Ari.RtpAddress = value; break;
            case "User": options.Ari.User = value; break;
            case "RequestTimeout": options.Ari.RequestTimeout = TimeSpan.FromSeconds(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: options.Ari.App = value; break;
        }

        var ex = Assert.Throws<FormatException>(() => new ServiceCollection().AddIvrAsterisk(options, Path.GetTempPath()));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8088", "", "127.0.0.1", "Media:Address")]
    [InlineData("http://127.0.0.1:8088", "10.0.0.2", "127.0.0.1", "Asterisk:Ari:RtpAddress")]
    [InlineData("http://127.0.0.1:8088", "", "0.0.0.0", "Asterisk:Ari:RtpAddress")]
    [InlineData("http://127.0.0.1:8088", "", "::", "Asterisk:Ari:RtpAddress")]
    public void AddIvrAsterisk_RtpUnreachableForAsterisk_FailsNamingTheSetting(string url, string rtpAddress, string mediaAddress, string named)
    {
        var options = Options();
        options.Ari.Url = url;
        options.Ari.RtpAddress = rtpAddress;

        var ex = Assert.Throws<FormatException>(() => new ServiceCollection().AddIvrAsterisk(options, Path.GetTempPath(), mediaAddress));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.5:8088", "", "10.0.0.2")]
    [InlineData("http://10.0.0.5:8088", "10.0.0.2", "0.0.0.0")]
    [InlineData("http://localhost:8088", "", "127.0.0.1")]
    [InlineData("http://127.0.0.1:8088", "127.0.0.1", "127.0.0.1")]
    public void AddIvrAsterisk_RtpReachableForAsterisk_Starts(string url, string rtpAddress, string mediaAddress)
    {
        var options = Options();
        options.Ari.Url = url;
        options.Ari.RtpAddress = rtpAddress;

        var services = new ServiceCollection().AddIvrAsterisk(options, Path.GetTempPath(), mediaAddress);

        Assert.Contains(services, d => d.ServiceType == typeof(AriClient));
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

    [Fact]
    public void AriSettings_ToString_HidesThePassword()
    {
        var settings = new AriSettings(new Uri("http://127.0.0.1:8088"), "ivr", "s3cret-pw", "ivr", TimeSpan.FromSeconds(5));

        var text = settings.ToString();

        Assert.DoesNotContain("s3cret-pw", text, StringComparison.Ordinal);
        Assert.Contains("User = ivr", text, StringComparison.Ordinal);
    }

    private static AsteriskOptions Options()
    {
        var options = new AsteriskOptions();
        options.Ari.User = "ivr";
        options.FastAgi.Listen = "127.0.0.1:4573";
        return options;
    }
}
