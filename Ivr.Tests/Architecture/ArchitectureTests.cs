using NetArchTest.Rules;
using P = Ivr.Tests.Architecture.EngineParts;

namespace Ivr.Tests.Architecture;

/// <summary>
/// The dependency map of the engine (docs/architecture.md), held on the built assemblies: each forbidden arrow is a case
/// that names the types crossing it, and the folders form no cycle.
/// </summary>
public class ArchitectureTests
{
    private static readonly System.Reflection.Assembly EngineAssembly = typeof(Ivr.Engine.Calls.CallManager).Assembly;

    /// <summary>Every forbidden arrow: its name as the map writes it, the part it starts from, the parts it must not reach.</summary>
    public static TheoryData<string, string, string[]> ForbiddenArrows => new()
    {
        { "Sip ↛ Calls", P.Sip, [P.Calls] },
        { "Sip ↛ Routing", P.Sip, [P.Routing] },
        { "Sip ↛ Ivr.Flows", P.Sip, [P.FlowsLibrary] },
        { "Sip ↛ Engine/Flows", P.Sip, [P.EngineFlows] },
        { "Sip ↛ Media", P.Sip, [P.Media] },
        { "Media ↛ Calls", P.Media, [P.Calls] },
        { "Media ↛ Routing", P.Media, [P.Routing] },
        { "Media ↛ Ivr.Flows", P.Media, [P.FlowsLibrary] },
        { "Media ↛ Engine/Flows", P.Media, [P.EngineFlows] },
        { "Media ↛ Sip", P.Media, [P.Sip] },
        { "Routing ↛ Sip", P.Routing, [P.Sip] },
        { "Routing ↛ Media", P.Routing, [P.Media] },
        { "Routing ↛ Calls", P.Routing, [P.Calls] },
        { "Routing ↛ Ops", P.Routing, [P.Ops] },
        { "Calls ↛ Ops", P.Calls, [P.Ops] },
        { "Speech ↛ Calls", P.Speech, [P.Calls] },
        { "Engine/Flows ↛ Calls", P.EngineFlows, [P.Calls] },
        { "Asterisk ↛ Calls, Routing, Sip", P.Asterisk, [P.Calls, P.Routing, P.Sip] },
        { "Asterisk ↛ Ivr.Flows, Engine/Flows", P.Asterisk, [P.FlowsLibrary, P.EngineFlows] },
        { "Asterisk ↛ Hosting, Cli, Demo", P.Asterisk, [P.Hosting, P.Cli, P.Demo] },
        { "Integrations ↛ Calls, Routing, Sip, Media, Asterisk", P.Integrations, [P.Calls, P.Routing, P.Sip, P.Media, P.Asterisk] },
        { "Integrations ↛ Ops, Engine/Flows", P.Integrations, [P.Ops, P.EngineFlows] },
        { "Integrations ↛ Hosting, Cli, Demo", P.Integrations, [P.Hosting, P.Cli, P.Demo] },
        { "Events, Contacts ↛ Sip, Media, Asterisk", P.Events, [P.Sip, P.Media, P.Asterisk] },
        { "Contacts ↛ Calls, Sip, Media, Events", P.Contacts, [P.Calls, P.Sip, P.Media, P.Events] },
        { "Calls ↛ Events, Contacts", P.Calls, [P.Events, P.Contacts] },
        { "Routing ↛ Events, Contacts", P.Routing, [P.Events, P.Contacts] },
        { "Registrations ↛ Calls, Media, Ops, Events, Contacts", P.Registrations, [P.Calls, P.Media, P.Ops, P.Events, P.Contacts] },
        { "Sip ↛ Registrations", P.Sip, [P.Registrations] },
        { "Calls ↛ Registrations", P.Calls, [P.Registrations] },
        { "Routing ↛ Registrations", P.Routing, [P.Registrations] },
        { "Surveys ↛ Sip, Media, Asterisk, Events, Contacts", P.Surveys, [P.Sip, P.Media, P.Asterisk, P.Events, P.Contacts] },
        { "Calls ↛ Surveys", P.Calls, [P.Surveys] },
        { "Routing ↛ Surveys", P.Routing, [P.Surveys] },
        { "Ops ↛ Surveys", P.Ops, [P.Surveys] },
        { "Surveys ↛ Hosting, Cli, Demo", P.Surveys, [P.Hosting, P.Cli, P.Demo] },
        { "Net ↛ any other part", P.Net, P.All.Where(p => p != P.Net).Append(P.FlowsLibrary).ToArray() },
        { "Metrics ↛ any other part", P.Metrics, P.All.Where(p => p != P.Metrics).Append(P.FlowsLibrary).ToArray() },
        { "Sip ↛ Hosting, Cli, Demo", P.Sip, [P.Hosting, P.Cli, P.Demo] },
        { "Media ↛ Hosting, Cli, Demo", P.Media, [P.Hosting, P.Cli, P.Demo] },
        { "Calls ↛ Hosting, Cli, Demo", P.Calls, [P.Hosting, P.Cli, P.Demo] },
        { "Routing ↛ Hosting, Cli, Demo", P.Routing, [P.Hosting, P.Cli, P.Demo] },
        { "Speech ↛ Hosting, Cli, Demo", P.Speech, [P.Hosting, P.Cli, P.Demo] },
        { "Ops ↛ Hosting, Cli, Demo", P.Ops, [P.Hosting, P.Cli, P.Demo] },
        { "Engine/Flows ↛ Hosting, Cli, Demo", P.EngineFlows, [P.Hosting, P.Cli, P.Demo] },
        { "Hosting ↛ Cli, Demo", P.Hosting, [P.Cli, P.Demo] },
        { "Demo ↛ Cli", P.Demo, [P.Cli] },
    };

    [Theory]
    [MemberData(nameof(ForbiddenArrows))]
    public void ForbiddenArrow_NoTypeCrossesIt(string arrow, string from, string[] to)
    {
        var result = Types.InAssembly(EngineAssembly).That().ResideInNamespace(from).ShouldNot().HaveDependencyOnAny(to).GetResult();
        var offenders = to.SelectMany(target => EngineGraph.Engine.Offenders(from, target)).ToList();
        var failing = (result.FailingTypeNames ?? []).ToList();

        Assert.True(
            failing.Count == 0 && offenders.Count == 0,
            $"{arrow} is forbidden (docs/architecture.md), but these types cross it:\n  " +
            string.Join("\n  ", offenders.Count > 0 ? offenders : failing));
    }

    [Fact]
    public void FlowsLibrary_ReferencesNothingOfTheEngine()
    {
        var result = Types.InAssembly(typeof(Ivr.Flows.Runtime.FlowRun).Assembly).ShouldNot().HaveDependencyOn(P.Engine).GetResult();

        Assert.True(result.IsSuccessful, "Ivr.Flows ↛ Ivr.Engine is forbidden, but these types cross it:\n  " + string.Join("\n  ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Routing_ReferencesNothingOfSipMediaOrCalls()
    {
        var result = Types.InAssembly(EngineAssembly).That().ResideInNamespace(P.Routing).ShouldNot().HaveDependencyOnAny(P.Sip, P.Media, P.Calls).GetResult();
        var offenders = new[] { P.Sip, P.Media, P.Calls }.SelectMany(target => EngineGraph.Engine.Offenders(P.Routing, target)).ToList();

        Assert.True(
            result.IsSuccessful && offenders.Count == 0,
            "Routing decides and Calls acts: Routing ↛ Sip, Media, Calls, but these types cross it:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void RtpMediaSession_IsReferencedOnlyInsideMedia()
    {
        const string RtpMediaSession = "Ivr.Engine.Media.RtpMediaSession";
        var result = Types.InAssembly(EngineAssembly).That().DoNotResideInNamespace(P.Media).ShouldNot().HaveDependencyOn(RtpMediaSession).GetResult();
        var offenders = EngineGraph.Engine.ReferencesTo(RtpMediaSession, P.Media);

        Assert.True(
            result.IsSuccessful && offenders.Count == 0,
            "The media seam is IMediaSession; these types outside Media reference RtpMediaSession:\n  " +
            string.Join("\n  ", offenders.Union(result.FailingTypeNames ?? [])));
    }

    [Fact]
    public void EngineFolders_FormNoCycle()
    {
        var arrows = EngineGraph.Engine.Arrows();

        var cycles = FolderCycles.Find(arrows);

        Assert.True(cycles.Count == 0, "The engine's folders form cycles:\n" + string.Join("\n", cycles.Select(c => Describe(c, arrows))));
    }

    [Fact]
    public void FolderCycles_ACycleOfThree_IsFoundAndAnAcyclicGraphIsNot()
    {
        var cyclic = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = new(StringComparer.Ordinal) { "B" },
            ["B"] = new(StringComparer.Ordinal) { "C" },
            ["C"] = new(StringComparer.Ordinal) { "A", "D" },
            ["D"] = new(StringComparer.Ordinal),
        };
        var acyclic = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = new(StringComparer.Ordinal) { "B", "C" },
            ["B"] = new(StringComparer.Ordinal) { "C" },
        };

        Assert.Equal(["A", "B", "C"], Assert.Single(FolderCycles.Find(cyclic)));
        Assert.Empty(FolderCycles.Find(acyclic));
    }

    private static string Describe(IReadOnlyList<string> cycle, IReadOnlyDictionary<string, SortedSet<string>> arrows)
    {
        var lines = new List<string> { "  " + string.Join(" ↔ ", cycle.Select(P.Short)) + ":" };
        foreach (var from in cycle)
        {
            foreach (var to in arrows[from].Where(cycle.Contains))
            {
                lines.Add($"    {P.Short(from)} → {P.Short(to)}: " + string.Join("; ", EngineGraph.Engine.Offenders(from, to)));
            }
        }
        return string.Join("\n", lines);
    }
}
