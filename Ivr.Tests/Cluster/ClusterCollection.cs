namespace Ivr.Tests.Cluster;

/// <summary>
/// Multi-engine suites (three <c>ivr serve</c> nodes, Kamailio, PostgreSQL) whose failover timings need the machine's
/// cores: one at a time, so two clusters never overlap; the real-time tests run after them, alone.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
