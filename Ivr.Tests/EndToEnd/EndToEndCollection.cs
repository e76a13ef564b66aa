using Ivr.Tests.Media;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Where an end-to-end class goes until someone has checked it can run beside others: the <see cref="RealTimeMediaCollection"/>,
/// one at a time and alone, as every end-to-end class once ran. A class that measures no timing moves to
/// <see cref="EngineProcessesCollections"/>; a multi-engine suite to <see cref="Cluster.ClusterCollection"/>
/// (README, "Test collections").
/// </summary>
public static class EndToEndCollection
{
    public const string Name = RealTimeMediaCollection.Name;
}
