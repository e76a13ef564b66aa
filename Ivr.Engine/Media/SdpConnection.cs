using System.Net;
using System.Net.Sockets;

namespace Ivr.Engine.Media;

/// <summary>The <c>c=</c> line (RFC 4566 §5.7): network type, address type and connection address (TTL suffix dropped).</summary>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>A connection line for an IP address (<c>IN IP4</c> or <c>IN IP6</c>).</summary>
    public static SdpConnection For(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new SdpConnection("IN", address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());
    }

    /// <summary>The address when it is a literal IP address of the stated type; false for FQDNs or mismatches.</summary>
    public bool TryGetIPAddress(out IPAddress? address)
    {
        address = null;
        if (!string.Equals(NetworkType, "IN", StringComparison.OrdinalIgnoreCase) || !IPAddress.TryParse(Address, out var parsed))
        {
            return false;
        }

        var family = string.Equals(AddressType, "IP6", StringComparison.OrdinalIgnoreCase)
            ? AddressFamily.InterNetworkV6
            : AddressFamily.InterNetwork;
        if (parsed.AddressFamily != family)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    /// <summary>The value of the line (after <c>c=</c>).</summary>
    public override string ToString() => $"{NetworkType} {AddressType} {Address}";
}
