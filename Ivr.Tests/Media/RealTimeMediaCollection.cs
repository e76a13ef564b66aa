namespace Ivr.Tests.Media;

/// <summary>
/// Tests that measure real-time pacing or latency on the wire (RTP gaps, barge-in, speech slots, a flood banned within
/// 2 s): one at a time and alone — xunit runs a collection that disables parallelization after every parallel one, so no
/// other test's processes share the two cores while these measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeMediaCollection
{
    public const string Name = "Real-time media";
}
