using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>A flow host that drops every effect.</summary>
public sealed class NullHost : IFlowHost
{
    /// <summary>The shared instance.</summary>
    public static NullHost Instance { get; } = new();

    /// <summary>Does nothing.</summary>
    public void Execute(FlowEffect effect)
    {
    }
}
