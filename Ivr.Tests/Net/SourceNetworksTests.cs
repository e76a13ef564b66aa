using System.Net;
using Ivr.Engine.Net;

namespace Ivr.Tests.Net;

public sealed class SourceNetworksTests
{
    [Theory]
    [InlineData("198.51.100.7", 32, "198.51.100.7/32")]
    [InlineData("198.51.100.7", 24, "198.51.100.0/24")]
    [InlineData("::ffff:198.51.100.7", 24, "198.51.100.0/24")] // IPv4-mapped, as a dual-stack socket reports it
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 32, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 24, "2001:db8:1:2::/64")]
    public void Of_IsTheIpv4PrefixOrTheIpv6Slash64(string address, int ipv4Prefix, string expected) =>
        Assert.Equal(expected, SourceNetworks.Of(IPAddress.Parse(address), ipv4Prefix).ToString());

    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("2001:db8::5", "2001:db8::/64")]
    public void Display_NamesAnIpv4AddressItselfAndAnIpv6OneByItsSlash64(string address, string expected) =>
        Assert.Equal(expected, SourceNetworks.Display(IPAddress.Parse(address)));

    [Fact]
    public void Unmapped_GivesTheIpv4AddressAMappedOneCarries()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.5"), SourceNetworks.Unmapped(IPAddress.Parse("::ffff:10.0.0.5")));
        Assert.Equal(IPAddress.Parse("2001:db8::5"), SourceNetworks.Unmapped(IPAddress.Parse("2001:db8::5")));
    }
}
