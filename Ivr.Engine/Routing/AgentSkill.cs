namespace Ivr.Engine.Routing;

/// <summary>A skill an agent has, with a proficiency level: a higher level is offered calls first.</summary>
/// <param name="Skill">Skill name, matching the queue's.</param>
/// <param name="Level">Proficiency; higher is better.</param>
public readonly record struct AgentSkill(string Skill, int Level);
