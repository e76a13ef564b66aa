using System.Collections.Concurrent;

namespace Ivr.Engine.Demo;

/// <summary>
/// Which simulated callers an agent phone has answered for: the engine's agent leg carries the caller's number as its
/// display name, and a caller talking to an agent no longer hangs up out of impatience.
/// </summary>
internal sealed class DemoRoster
{
    private readonly ConcurrentDictionary<string, byte> _talking = new(StringComparer.Ordinal);

    /// <summary>An agent answered a call for <paramref name="callerNumber"/>.</summary>
    public void AgentAnswered(string? callerNumber)
    {
        if (!string.IsNullOrEmpty(callerNumber)) _talking[callerNumber] = 0;
    }

    /// <summary>True once an agent answered for <paramref name="callerNumber"/>.</summary>
    public bool IsTalking(string callerNumber) => _talking.ContainsKey(callerNumber);

    /// <summary>The caller's call is over.</summary>
    public void Forget(string callerNumber) => _talking.TryRemove(callerNumber, out _);
}
