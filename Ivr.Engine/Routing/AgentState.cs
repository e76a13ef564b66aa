namespace Ivr.Engine.Routing;

/// <summary>What an agent is doing, as far as routing cares.</summary>
public enum AgentState
{
    /// <summary>Logged in and waiting for a call.</summary>
    Ready,

    /// <summary>Chosen for a call that is being set up; nobody else may take the agent.</summary>
    Reserved,

    /// <summary>The agent's phone is ringing.</summary>
    Ringing,

    /// <summary>On a call.</summary>
    Talking,

    /// <summary>After-call work; not offered calls until it ends.</summary>
    WrapUp,

    /// <summary>Logged out, on a break, or did not answer: not offered calls.</summary>
    Away,
}
