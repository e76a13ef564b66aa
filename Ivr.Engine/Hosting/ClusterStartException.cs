namespace Ivr.Engine.Hosting;

/// <summary>The node could not become a member of its cluster (no seed answered in time, or its cluster port is taken).</summary>
public sealed class ClusterStartException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, one line naming the setting to change.</summary>
    public ClusterStartException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public ClusterStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
