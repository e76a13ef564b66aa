namespace Ivr.Engine.Hosting;

/// <summary>
/// Running several engines as one contact centre (<c>Cluster</c> section): Akka.Cluster membership from seed nodes, the
/// skill router as a sharded entity. Off by default: one node, everything in-process.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>Join a cluster (false: a single node, as <c>./run.sh</c> runs).</summary>
    public bool Enabled { get; set; }

    /// <summary>This node's name, unique in the cluster (in logs, metrics' <c>node</c> label, the dashboard); default: <c>host:port</c> of its cluster address.</summary>
    public string? Node { get; set; }

    /// <summary>The address the node's cluster transport (Akka.Remote) binds and advertises.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The cluster transport's TCP port.</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes as <c>host:port</c> (this node may be one of them); at least one when enabled.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>How long a node that stops answering stays unreachable before the split-brain resolver (keep-majority) downs it.</summary>
    public TimeSpan DownAfter { get; set; } = TimeSpan.FromSeconds(7);

    /// <summary>How long the node tries to join its seeds before it gives up and exits with one clear line.</summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
