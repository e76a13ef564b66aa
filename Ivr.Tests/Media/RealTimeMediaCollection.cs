namespace Ivr.Tests.Media;

/// <summary>Tests that measure real-time pacing run one at a time, so they don't skew each other's timing.</summary>
[CollectionDefinition(Name)]
public sealed class RealTimeMediaCollection
{
    public const string Name = "Real-time media";
}
