using Ivr.Engine.Routing.Configuration;

namespace Ivr.Tests.Sip.Registrar;

/// <summary>Agents as <c>agents.json</c> describes them, for credential tests.</summary>
internal static class TestAgents
{
    public static AgentConfig Agent(string id, AgentSipConfig? sip) => new()
    {
        Id = id,
        Contact = $"sip:{id}@127.0.0.1:5071",
        Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }],
        Sip = sip,
    };
}
