using System.Globalization;
using System.Net;

namespace Ivr.Engine.Asterisk;

/// <summary>What the FastAGI server lets in and how long it waits (docs/asterisk.md, "Security").</summary>
/// <param name="EnvironmentTimeout">How long a new connection may take to send its environment.</param>
/// <param name="ReplyTimeout">How long Asterisk may take to answer a command beyond what the command lasts.</param>
/// <param name="MaxConnections">Most connections at once, pending and live; more are closed at accept and counted.</param>
/// <param name="AllowedPeers">The networks a connection may come from; empty lets any in.</param>
public sealed record FastAgiLimits(TimeSpan EnvironmentTimeout, TimeSpan ReplyTimeout, int MaxConnections, IReadOnlyList<IPNetwork> AllowedPeers)
{
    /// <summary>The defaults: 5 s for the environment and for each reply, 500 connections, any peer.</summary>
    public static FastAgiLimits Default { get; } = new(TimeSpan.FromSeconds(5), AgiConnection.DefaultReplyTimeout, 500, []);

    /// <summary>True when <paramref name="address"/> may connect.</summary>
    public bool Allows(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (AllowedPeers.Count == 0) return true;
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return AllowedPeers.Any(n => n.Contains(plain));
    }

    /// <summary>
    /// Parses a comma-separated list of networks (<c>10.0.0.0/8, 192.0.2.7, ::1</c>; an address alone is a /32 or /128).
    /// An empty text gives an empty list; a bad entry is a <see cref="FormatException"/> naming it.
    /// </summary>
    public static IReadOnlyList<IPNetwork> ParsePeers(string? text)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            else throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Asterisk:FastAgi:AllowedPeers: '{entry}' is not an address or network (a.b.c.d/n)."));
        }
        return networks;
    }
}
