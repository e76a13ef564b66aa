namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Two collections of end-to-end classes that start engine processes and peers (sipp, baresip, chromium, PostgreSQL,
/// Asterisk) but assert no tight timing: each runs its classes one at a time, beside the other and beside the
/// <see cref="Cluster.ClusterCollection"/>. Every class here uses its own ports and data folder. Two, not one, because
/// their tests mostly wait on other processes; the split balances their run times (about 8 and 7 min in CI).
/// </summary>
public static class EngineProcessesCollections
{
    public const string A = "Engine processes A";

    public const string B = "Engine processes B";
}

/// <summary>Engine processes, first half (callbacks, demo, http step, events, registrar, router calls).</summary>
[CollectionDefinition(EngineProcessesCollections.A)]
public sealed class EngineProcessesCollectionA;

/// <summary>Engine processes, second half (dashboard in chromium, PostgreSQL, lifecycle, Asterisk, baresip, the rest).</summary>
[CollectionDefinition(EngineProcessesCollections.B)]
public sealed class EngineProcessesCollectionB;
