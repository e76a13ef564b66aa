using System.Net;
using Ivr.Engine.Net;

namespace Ivr.Tests.Net;

public sealed class NatNetworksTests
{
    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.254", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.20", true)]
    [InlineData("100.64.0.1", true)] // RFC 6598: carrier-grade NAT
    [InlineData("169.254.10.1", true)]
    [InlineData("fd00::5", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:192.168.1.20", true)] // IPv4-mapped, as a dual-stack socket reports it
    [InlineData("127.0.0.1", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("2001:db8::1", false)]
    public void Default_HoldsThePrivateRangesOnly(string address, bool expected) =>
        Assert.Equal(expected, NatNetworks.Default.Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("10.0.0.5", "198.51.100.7", true)] // private contact, public source: behind NAT
    [InlineData("10.0.0.5", "10.0.0.5", false)] // on our LAN: sends from what it advertises
    [InlineData("10.0.0.5", "::ffff:10.0.0.5", false)]
    [InlineData("[fd00::5]", "2001:db8::9", true)]
    [InlineData("198.51.100.8", "198.51.100.7", false)] // public: taken at its word
    [InlineData("phone.example.com", "198.51.100.7", false)] // a name is resolved, not guessed at
    public void IsBehindNat_PrivateAdvertisedAddressOtherThanTheSource(string advertised, string source, bool expected) =>
        Assert.Equal(expected, NatNetworks.Default.IsBehindNat(advertised, IPAddress.Parse(source)));

    [Fact]
    public void Parse_AList_ReplacesTheDefaults_AndEmptyTurnsItOff()
    {
        var custom = NatNetworks.Parse("127.0.0.2/32; 192.0.2.0/24");

        Assert.True(custom.Contains(IPAddress.Parse("127.0.0.2")));
        Assert.True(custom.Contains(IPAddress.Parse("192.0.2.200")));
        Assert.False(custom.Contains(IPAddress.Parse("10.0.0.1")));
        Assert.True(NatNetworks.Parse("192.168.1.10/24").Contains(IPAddress.Parse("192.168.1.99"))); // an interface's address/prefix names its subnet
        Assert.Empty(NatNetworks.Parse(" ").Networks);
        Assert.False(NatNetworks.Parse("").IsBehindNat("10.0.0.5", IPAddress.Parse("198.51.100.7")));
    }

    [Theory]
    [InlineData("10.0.0.0/8, 192.168.0.0", "192.168.0.0")]
    [InlineData("10.0.0.0/33", "10.0.0.0/33")]
    [InlineData("lan", "lan")]
    public void Parse_NotARange_SaysWhichEntry(string list, string culprit)
    {
        var error = Assert.Throws<FormatException>(() => NatNetworks.Parse(list));

        Assert.Contains($"'{culprit}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sip:NatNetworks", error.Message, StringComparison.Ordinal);
    }
}
