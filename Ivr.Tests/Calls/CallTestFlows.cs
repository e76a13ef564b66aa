using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The flows and sounds the call tests run on: the repo's hotline (with its subflow) and small flows in TestData/calls.</summary>
internal static class CallTestFlows
{
    /// <summary>Monday 23 November 2026, 10:00 in Paris: the hotline's office is open.</summary>
    public static readonly DateTimeOffset OfficeOpen = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static IFlowCatalog Catalog { get; } = new FlowLookup(Load().Find);

    public static PromptSource Prompts { get; } = new(RepoPaths.Sounds, NullLogger<PromptSource>.Instance);

    public static EnginePrompts Words { get; } = EnginePromptsLoader.Load(RepoPaths.Sounds);

    public static CallManagerSettings Settings { get; } = new()
    {
        FlowMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["hotline"] = "hotline",
            ["goodbye"] = "goodbye",
            ["services"] = "services",
        },
    };

    private static LiveFlows Load()
    {
        // The catalog reads a folder: gather the repo's hotline (with its subflow) and the small test flows in one.
        var folder = Directory.CreateTempSubdirectory("ivr-call-flows-").FullName;
        foreach (var file in new[]
        {
            Path.Combine(RepoPaths.Root, "flows", "hotline.json"),
            Path.Combine(RepoPaths.Root, "flows", "collect-account.json"),
            RepoPaths.TestData("calls", "goodbye.json"),
            RepoPaths.TestData("calls", "services.json"),
        })
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        var flows = new LiveFlows(folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        if (flows.Ids.Count != 4) throw new InvalidOperationException("the call test flows did not all load: " + string.Join(", ", flows.Ids));
        return flows;
    }
}
