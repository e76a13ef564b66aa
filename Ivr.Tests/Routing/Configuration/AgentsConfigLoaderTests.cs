using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Schema;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Routing.Configuration;

public class AgentsConfigLoaderTests
{
    private static readonly Lazy<JsonSchemaValidator> Schema = new(() =>
        AgentsConfigLoader.CompileSchema(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "agents.schema.json")), "agents.schema.json"));

    private static AgentsConfigLoadResult Load(string json) => AgentsConfigLoader.Load(System.Text.Encoding.UTF8.GetBytes(json), "agents.json", Schema.Value);

    private const string Minimal = """
        {
          "skills": [ { "id": "billing", "offer": { "callback": true, "whenWaitOver": 60, "whenAbandonRateOver": 0.1 } } ],
          "agents": [
            { "id": "agent1", "contact": "sip:agent1@127.0.0.1:5071", "skills": [ { "skill": "billing", "level": 5 } ] }
          ]
        }
        """;

    [Fact]
    public void LoadFile_ShippedAgentsJson_LoadsEightAgentsFourSkills()
    {
        var result = AgentsConfigLoader.LoadFile(Path.Combine(RepoPaths.Root, "agents.json"));

        Assert.Empty(result.Diagnostics);
        var config = result.Config!;
        Assert.Equal(["billing", "support", "sales", "general"], config.Skills.Select(s => s.Id));
        Assert.Equal(8, config.Agents.Count);
        Assert.Equal("sip:agent3@127.0.0.1:5073", config.Agents[2].Contact);
        Assert.All(config.Agents, a => Assert.All(a.Skills, s => Assert.InRange(s.Level, 1, 10)));
        var plan = new CallbackDialPlan(config.DialPlan!.ToOptions());
        Assert.True(plan.Check("06 12 34 56 78").Allowed);
        Assert.Equal(DialPlanRefusal.PremiumRate, plan.Check("0899 12 34 56").Reason);
        Assert.Equal(TimeSpan.FromHours(1), plan.Options.LocalOffset);
    }

    [Fact]
    public void Load_Minimal_BindsAgentsAndOfferOptions()
    {
        var result = Load(Minimal);

        var config = Assert.IsType<AgentsConfig>(result.Config);
        var agent = config.Agents[0].ToAgent();
        Assert.Equal("agent1", agent.Id);
        Assert.Equal(1, agent.MaxConcurrent);
        Assert.Equal(5, agent.Skills[0].Level);
        var offer = config.Skills[0].Offer!.ToOptions();
        Assert.Equal(TimeSpan.FromMinutes(1), offer.WaitTarget);
        Assert.Equal(0.05, offer.AbandonRateReleaseBelow!.Value, 1e-12);
        Assert.Null(offer.QueueLengthLimit);
    }

    [Fact]
    public void Load_LevelOutOfRange_ReportsPointerLineAndColumn()
    {
        var result = Load(Minimal.Replace("\"level\": 5", "\"level\": 11", StringComparison.Ordinal));

        Assert.Null(result.Config);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("/agents/0/skills/0/level", error.Pointer);
        Assert.Equal(4, error.Line);
        Assert.True(error.Column > 0);
        Assert.Equal(Severity.Error, error.Severity);
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void Load_UnknownSkillAndDuplicateAgent_ReportedWithHint()
    {
        var duplicated = """
            {
              "skills": [ { "id": "billing" } ],
              "agents": [
                { "id": "agent1", "contact": "sip:agent1@127.0.0.1:5071", "skills": [ { "skill": "biling", "level": 5 } ] },
                { "id": "agent1", "contact": "sip:agent2@127.0.0.1:5072", "skills": [ { "skill": "billing", "level": 5 } ] }
              ]
            }
            """;

        var result = Load(duplicated);

        Assert.Null(result.Config);
        Assert.Collection(result.Diagnostics,
            unknown =>
            {
                Assert.Equal(AgentsConfigLoader.UnknownSkill, unknown.Code);
                Assert.Equal("/agents/0/skills/0/skill", unknown.Pointer);
                Assert.Contains("billing", unknown.Hint);
            },
            duplicate =>
            {
                Assert.Equal(AgentsConfigLoader.DuplicateId, duplicate.Code);
                Assert.Equal("/agents/1/id", duplicate.Pointer);
                Assert.Equal(5, duplicate.Line);
            });
    }

    [Fact]
    public void Load_BadContactAndUnknownMember_RefusedBySchema()
    {
        var result = Load(Minimal.Replace("sip:agent1@127.0.0.1:5071", "agent1", StringComparison.Ordinal)
            .Replace("\"callback\": true", "\"callbak\": true", StringComparison.Ordinal));

        Assert.Null(result.Config);
        Assert.Contains(result.Diagnostics, d => d.Pointer == "/agents/0/contact");
        Assert.Contains(result.Diagnostics, d => d.Pointer.StartsWith("/skills/0/offer", StringComparison.Ordinal) && d.Message.Contains("callbak", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_InvalidJson_ReportsPosition()
    {
        var result = Load("{ \"skills\": [ }");

        Assert.Null(result.Config);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Line == 1 && d.Column > 0);
    }

    [Fact]
    public void Load_BadPattern_ReportedAtThePattern()
    {
        var result = Load(Minimal.TrimEnd().TrimEnd('}') + """, "dialPlan": { "allowedPatterns": [ "^\\+33(" ] } }""");

        Assert.Null(result.Config);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(AgentsConfigLoader.InvalidDialPlan, error.Code);
        Assert.Equal("/dialPlan/allowedPatterns/0", error.Pointer);
    }
}
