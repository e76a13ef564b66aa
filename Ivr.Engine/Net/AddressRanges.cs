using System.Net;

namespace Ivr.Engine.Net;

/// <summary>A list of address ranges in CIDR form (<c>10.0.0.0/8, fc00::/7</c>) that answers whether an address lies in one.</summary>
public sealed class AddressRanges
{
    private readonly IPNetwork[] _networks;

    private AddressRanges(IPNetwork[] networks) => _networks = networks;

    /// <summary>No range.</summary>
    public static AddressRanges None { get; } = new([]);

    /// <summary>The ranges, as parsed.</summary>
    public IReadOnlyList<IPNetwork> Networks => _networks;

    /// <summary>True when there is no range.</summary>
    public bool IsEmpty => _networks.Length == 0;

    /// <summary>The ranges <paramref name="networks"/>; none gives <see cref="None"/>.</summary>
    public static AddressRanges Of(IEnumerable<IPNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        var array = networks.ToArray();
        return array.Length == 0 ? None : new AddressRanges(array);
    }

    /// <summary>
    /// Parses a comma-, semicolon- or space-separated list of CIDR ranges; empty gives <see cref="None"/>. Throws
    /// <see cref="FormatException"/> naming <paramref name="setting"/> and the entry that is not a range.
    /// </summary>
    public static AddressRanges Parse(string? list, string setting)
    {
        var entries = (list ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var networks = new IPNetwork[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            if (!IPNetwork.TryParse(entries[i], out networks[i]))
            {
                throw new FormatException($"{setting}: '{entries[i]}' is not an address range in CIDR form (like 10.0.0.0/8 or fc00::/7).");
            }
        }
        return networks.Length == 0 ? None : new AddressRanges(networks);
    }

    /// <summary>True when <paramref name="address"/> (IPv4-mapped IPv6 included) lies in one of the ranges.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_networks.Length == 0) return false;
        address = SourceNetworks.Unmapped(address);
        foreach (var network in _networks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", _networks);
}
