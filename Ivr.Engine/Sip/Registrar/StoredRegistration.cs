namespace Ivr.Engine.Sip.Registrar;

/// <summary>One binding as a <see cref="IRegistrationStore"/> holds it: the agent, its SIP user and the binding.</summary>
public sealed record StoredRegistration(string AgentId, string User, RegistrationBinding Binding);
