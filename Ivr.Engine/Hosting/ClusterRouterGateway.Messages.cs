namespace Ivr.Engine.Hosting;

/// <summary>Hands this node's share of the router off to the other nodes (the node drains); once, later asks are ignored.</summary>
public sealed record HandOffRouter
{
    /// <summary>The one instance.</summary>
    public static HandOffRouter Instance { get; } = new();
}
