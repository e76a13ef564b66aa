using Ivr.Engine.Hosting;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Schema;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Sip.Registrar;

public class AgentSipCredentialsTests
{
    private static readonly Lazy<JsonSchemaValidator> Schema = new(() =>
        AgentsConfigLoader.CompileSchema(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "agents.schema.json")), "agents.schema.json"));

    private static AgentsConfigLoadResult Load(string sip) => AgentsConfigLoader.Load(System.Text.Encoding.UTF8.GetBytes($$"""
        {
          "skills": [ { "id": "billing" } ],
          "agents": [
            { "id": "agent1", "contact": "sip:agent1@127.0.0.1:5071", "skills": [ { "skill": "billing", "level": 5 } ], "sip": {{sip}} }
          ]
        }
        """), "agents.json", Schema.Value);

    [Fact]
    public void Load_Ha1Hashes_BindAndVerify()
    {
        var md5 = Digest.Ha1(DigestAlgorithm.Md5, "alice", "ivr", "s3cret");
        var sha = Digest.Ha1(DigestAlgorithm.Sha256, "alice", "ivr", "s3cret");
        var result = Load($$"""{ "user": "alice", "ha1Md5": "{{md5}}", "ha1Sha256": "{{sha}}" }""");

        Assert.Empty(result.Diagnostics);
        var credentials = new AgentSipCredentials();
        Assert.Empty(credentials.Replace(AgentSipAccounts.From(result.Config!.Agents)));
        var alice = credentials.Find("alice")!;
        Assert.Equal("agent1", alice.AgentId);
        Assert.Equal(sha, alice.Ha1(DigestAlgorithm.Sha256, "ivr"));
        Assert.Null(alice.Password);
        Assert.Null(credentials.Find("agent1"));
    }

    [Fact]
    public void Load_PasswordOnly_UserDefaultsToTheAgentId()
    {
        var result = Load("""{ "password": "s3cret" }""");

        var credentials = new AgentSipCredentials();
        credentials.Replace(AgentSipAccounts.From(result.Config!.Agents));

        Assert.Equal(Digest.Ha1(DigestAlgorithm.Md5, "agent1", "ivr", "s3cret"), credentials.Find("agent1")!.Ha1(DigestAlgorithm.Md5, "ivr"));
    }

    [Theory]
    [InlineData("""{ "user": "alice" }""")]
    [InlineData("""{ "password": "x", "ha1Md5": "0123456789abcdef0123456789abcdef" }""")]
    [InlineData("""{ "ha1Md5": "0123456789ABCDEF0123456789ABCDEF" }""")]
    [InlineData("""{ "ha1Sha256": "0123456789abcdef0123456789abcdef" }""")]
    [InlineData("""{ "password": "" }""")]
    [InlineData("""{ "user": "has space", "password": "x" }""")]
    [InlineData("""{ "password": "x", "secret": "y" }""")]
    public void Load_BadSipObject_IsRefusedWithAPointer(string sip)
    {
        var result = Load(sip);

        Assert.Null(result.Config);
        var error = result.Diagnostics.First(d => d.Severity == Severity.Error);
        Assert.StartsWith("/agents/0/sip", error.Pointer, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Replace_SameUserForTwoAgents_NeitherGetsIt_OthersStillLoad()
    {
        var credentials = new AgentSipCredentials();

        var problems = credentials.Replace([
            new AgentSipAccount("agent1", User: "desk", Password: "a"),
            new AgentSipAccount("agent2", User: "desk", Password: "b"),
            new AgentSipAccount("agent3", Password: "c"),
        ]);

        Assert.Contains("'desk'", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Null(credentials.Find("desk"));
        Assert.NotNull(credentials.Find("agent3"));
        Assert.Equal(1, credentials.Count);
    }
}
