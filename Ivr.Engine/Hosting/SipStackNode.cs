using Akka.Actor;
using Ivr.Engine.Ops;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Hosting;

/// <summary>The running node as operations read it (<see cref="IEngineNode"/>), over the <see cref="SipStackService"/>.</summary>
/// <param name="service">The engine's SIP stack service.</param>
public sealed class SipStackNode(SipStackService service) : IEngineNode
{
    /// <inheritdoc />
    public bool IsReady => service.IsReady;

    /// <inheritdoc />
    public IActorRef? Manager => service.Manager;

    /// <inheritdoc />
    public IReadOnlyList<string> EndPoints => service.EndPoints;

    /// <inheritdoc />
    public SipStackCounters? SipCounters => service.SipCounters;
}
