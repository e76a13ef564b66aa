using System.Net;
using System.Net.Sockets;

namespace Ivr.Engine.Net;

/// <summary>
/// How the engine names where a packet came from: an IPv4-mapped IPv6 address as the IPv4 address it carries, and an
/// IPv6 host by its /64 (one host holds a whole /64, RFC 4291 §2.5.4 interface identifiers), so rotating addresses within
/// it is not a new source. One place for the source guard, the registrar's lockout and its contact-move check.
/// </summary>
public static class SourceNetworks
{
    /// <summary>The prefix an IPv6 source is counted by.</summary>
    public const int Ipv6Prefix = 64;

    /// <summary><paramref name="address"/>, or the IPv4 address it carries when it is IPv4-mapped IPv6 (a dual-stack socket's view).</summary>
    public static IPAddress Unmapped(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>
    /// The network a source counts as: IPv4 by <paramref name="ipv4Prefix"/> (32: the address itself), IPv6 by its /64;
    /// IPv4-mapped addresses as IPv4.
    /// </summary>
    public static IPNetwork Of(IPAddress address, int ipv4Prefix = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ipv4Prefix);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ipv4Prefix, 32);
        address = Unmapped(address);
        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? ipv4Prefix : Ipv6Prefix;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        bytes = bytes[..written];
        for (var bit = prefix; bit < written * 8; bit++) bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    /// <summary>A source for logs and the status page: an IPv4 address as itself, an IPv6 one as its /64 (<c>2001:db8::/64</c>).</summary>
    public static string Display(IPAddress address)
    {
        var network = Of(address);
        return network.PrefixLength == 32 && network.BaseAddress.AddressFamily == AddressFamily.InterNetwork
            ? network.BaseAddress.ToString()
            : network.ToString();
    }
}
