namespace Ivr.Flows.Runtime;

/// <summary>Stop collecting input (speech recognition can be released).</summary>
public sealed record StopListeningEffect : FlowEffect
{
    /// <summary>The shared instance.</summary>
    public static StopListeningEffect Instance { get; } = new();
}
