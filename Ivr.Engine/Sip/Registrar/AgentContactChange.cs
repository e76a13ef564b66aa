namespace Ivr.Engine.Sip.Registrar;

/// <summary>An agent's registration changed; <paramref name="Current"/> is the contact to use now, or null when none is left.</summary>
public sealed record AgentContactChange(string AgentId, AgentContactChangeKind Kind, AgentContact? Current);
