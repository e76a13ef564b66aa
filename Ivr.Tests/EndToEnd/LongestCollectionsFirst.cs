using Ivr.Tests.Cluster;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Ivr.Tests.EndToEnd.LongestCollectionsFirst", "Ivr.Tests")]

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Starts the long end-to-end collections first (cluster, then the two engine-process halves), then the rest in the
/// default order. xunit's conservative algorithm lets <c>maxParallelThreads</c> collections run at once, in this order:
/// the long ones get their places at the start instead of queueing behind hundreds of short unit-test collections.
/// </summary>
public sealed class LongestCollectionsFirst : ITestCollectionOrderer
{
    private static readonly string[] First = [ClusterCollection.Name, EngineProcessesCollections.A, EngineProcessesCollections.B];

    private readonly DefaultTestCollectionOrderer _rest = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var all = _rest.OrderTestCollections(testCollections).ToList();
        var rank = (ITestCollection c) => Array.IndexOf(First, c.DisplayName) is var i and >= 0 ? i : First.Length;
        return all.OrderBy(rank); // a stable sort: the rest keep the default order
    }
}
