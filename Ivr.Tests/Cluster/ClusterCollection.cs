namespace Ivr.Tests.Cluster;

/// <summary>
/// Multi-engine suites (three <c>ivr serve</c> nodes, Kamailio, PostgreSQL) whose failover timings (a line rebuilt within
/// 15 s of a kill, new calls answered within 3 s) need the machine's cores: one at a time and alone, after the parallel
/// collections, like the real-time media tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
