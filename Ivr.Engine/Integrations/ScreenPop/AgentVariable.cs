namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>A flow variable marked for the agent, with its value when the call was delivered.</summary>
/// <param name="Name">The variable's name (a flow name: letters, digits, <c>_ . -</c>).</param>
/// <param name="Value">Its value, as the flow held it.</param>
public sealed record AgentVariable(string Name, string Value);
