using Ivr.Tests.Media;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// End-to-end tests start an engine process and a SIP peer and measure media timing: they run one at a time, in the same
/// collection as the real-time media tests, so neither skews the other's timing on a 2-core machine.
/// </summary>
public static class EndToEndCollection
{
    public const string Name = RealTimeMediaCollection.Name;
}
