using Ivr.Engine.Cli;
using Ivr.Flows.Runtime;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Simulation;

/// <summary>The flows shipped in <c>flows/</c>, compiled once with their subflows.</summary>
internal static class SampleFlows
{
    private static readonly Lazy<IReadOnlyList<(string File, CompiledFlow Flow)>> All = new(Load);

    public static IReadOnlyList<string> Files { get; } =
        [.. Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "flows"), "*.json")
            .Where(f => !f.EndsWith(".tests.json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];

    public static IReadOnlyList<(string File, CompiledFlow Flow)> Compiled => All.Value;

    public static CompiledFlow Get(string id) => Compiled.Single(c => c.Flow.Id == id).Flow;

    private static IReadOnlyList<(string, CompiledFlow)> Load() =>
        [.. Files.Select(f =>
        {
            var build = FlowWorkspace.For(f).Build(f);
            return (f, build.Flow ?? throw new InvalidOperationException($"{f}: {string.Join("; ", build.Diagnostics)}"));
        })];
}
