using Ivr.Engine.Calls;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>The flows and sounds the call tests run on: the repo's hotline (with its subflow) and small flows in TestData/calls.</summary>
internal static class CallTestFlows
{
    /// <summary>Monday 23 November 2026, 10:00 in Paris: the hotline's office is open.</summary>
    public static readonly DateTimeOffset OfficeOpen = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static FlowCatalog Catalog { get; } = Load();

    public static FilePromptClipProvider Prompts { get; } = new(RepoPaths.Sounds, NullLogger<FilePromptClipProvider>.Instance);

    public static CallManagerSettings Settings { get; } = new()
    {
        FlowMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["hotline"] = "hotline",
            ["goodbye"] = "goodbye",
            ["services"] = "services",
        },
    };

    private static FlowCatalog Load()
    {
        var files = new[]
        {
            Path.Combine(RepoPaths.Root, "flows", "hotline.json"),
            Path.Combine(RepoPaths.Root, "flows", "collect-account.json"),
            RepoPaths.TestData("calls", "goodbye.json"),
            RepoPaths.TestData("calls", "services.json"),
        };
        var documents = new List<FlowDocument>();
        foreach (var file in files)
        {
            var loaded = FlowLoader.LoadFile(file);
            if (loaded.HasErrors || loaded.Document is null)
            {
                throw new InvalidOperationException($"{file}: {string.Join("; ", loaded.Diagnostics)}");
            }
            documents.Add(loaded.Document);
        }
        return FlowCatalog.FromDocuments(documents, NullLogger<FlowCatalog>.Instance);
    }
}
