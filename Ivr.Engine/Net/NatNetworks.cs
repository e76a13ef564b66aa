using System.Net;

namespace Ivr.Engine.Net;

/// <summary>
/// The address ranges a phone behind NAT advertises (private, shared, link-local and unique-local): when a Contact or an
/// SDP address lies in one of them but the phone's packets come from another address, the engine answers where the
/// packets come from (SIP: the REGISTER's or INVITE's source, as <c>received</c>/<c>rport</c> do for responses, RFC 3581;
/// RTP: the first packet's source, symmetric RTP, RFC 4961). Configured as <c>Sip:NatNetworks</c>.
/// </summary>
public sealed class NatNetworks
{
    /// <summary>RFC 1918 private, RFC 6598 shared (carrier-grade NAT), IPv4 and IPv6 link-local, RFC 4193 unique local.</summary>
    public const string DefaultList = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16, fc00::/7, fe80::/10";

    private readonly AddressRanges _ranges;

    private NatNetworks(AddressRanges ranges) => _ranges = ranges;

    /// <summary>The <see cref="DefaultList"/>.</summary>
    public static NatNetworks Default { get; } = Parse(DefaultList);

    /// <summary>No network: every advertised address is taken as reachable (NAT handling off).</summary>
    public static NatNetworks None { get; } = new(AddressRanges.None);

    /// <summary>The ranges, as parsed.</summary>
    public IReadOnlyList<IPNetwork> Networks => _ranges.Networks;

    /// <summary>
    /// Parses a comma- or space-separated list of CIDR ranges (<c>10.0.0.0/8, fc00::/7</c>); empty gives <see cref="None"/>.
    /// Throws <see cref="FormatException"/> naming the entry that is not a range.
    /// </summary>
    public static NatNetworks Parse(string? list)
    {
        var ranges = AddressRanges.Parse(list, "Sip:NatNetworks");
        return ranges.IsEmpty ? None : new NatNetworks(ranges);
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 included) lies in one of the ranges.</summary>
    public bool Contains(IPAddress address) => _ranges.Contains(address);

    /// <summary>
    /// True when a peer that advertised <paramref name="advertisedHost"/> sends from <paramref name="source"/> through a
    /// NAT: the advertised host is an address in these ranges and not the address its packets come from. A peer on the
    /// engine's own private network advertises the address it sends from, so it is reached at what it advertised.
    /// </summary>
    public bool IsBehindNat(string advertisedHost, IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(advertisedHost);
        ArgumentNullException.ThrowIfNull(source);
        if (_ranges.IsEmpty || !IPAddress.TryParse(advertisedHost.Trim('[', ']'), out var advertised)) return false;
        return Contains(advertised) && !SourceNetworks.Unmapped(advertised).Equals(SourceNetworks.Unmapped(source));
    }

    /// <inheritdoc />
    public override string ToString() => _ranges.ToString();
}
