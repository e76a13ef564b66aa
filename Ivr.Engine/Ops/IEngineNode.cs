using Akka.Actor;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Ops;

/// <summary>What operations read of the running node: whether its SIP stack listens, where, its call manager and SIP counters.</summary>
public interface IEngineNode
{
    /// <summary>True while the SIP stack runs and the node takes new calls.</summary>
    bool IsReady { get; }

    /// <summary>The call manager, null before it runs.</summary>
    IActorRef? Manager { get; }

    /// <summary>The SIP endpoints the node listens on (empty before it starts).</summary>
    IReadOnlyList<string> EndPoints { get; }

    /// <summary>The SIP stack's counters, null before it runs or when the stack keeps none.</summary>
    SipStackCounters? SipCounters { get; }
}
