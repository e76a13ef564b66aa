using Ivr.Engine.Hosting;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Sip.Registrar;

namespace Ivr.Tests.Hosting;

public class AgentSipAccountsTests
{
    [Fact]
    public void From_AgentsWithAndWithoutSip_OnlyThoseWithASipObjectBecomeAccounts()
    {
        var accounts = AgentSipAccounts.From([
            Agent("agent1", new AgentSipConfig { User = "desk", Password = "a", Ha1Md5 = "m", Ha1Sha256 = "s" }),
            Agent("agent2", null),
            Agent("agent3", new AgentSipConfig { Password = "c" }),
        ]).ToList();

        Assert.Equal([new AgentSipAccount("agent1", "desk", "a", "m", "s"), new AgentSipAccount("agent3", Password: "c")], accounts);
    }

    [Fact]
    public void From_AgentWithoutUser_RegistersAsItsAgentId()
    {
        var credentials = new AgentSipCredentials();

        Assert.Empty(credentials.Replace(AgentSipAccounts.From([Agent("agent3", new AgentSipConfig { Password = "c" })])));

        Assert.Equal("agent3", credentials.Find("agent3")!.AgentId);
    }

    private static AgentConfig Agent(string id, AgentSipConfig? sip) => new()
    {
        Id = id,
        Contact = $"sip:{id}@127.0.0.1:5071",
        Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }],
        Sip = sip,
    };
}
