using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ivr.Benchmarks;

/// <summary>Runs every job of the benchmark class in-process (a job mutator, so it also applies to <c>--job short</c>).</summary>
/// <remarks>BenchmarkDotNet's generated boilerplate project fails to restore in this repository: it inherits
/// warnings-as-errors and hits NU1605 (Akka.Hosting's Microsoft.Extensions 9.0 against OpenTelemetry's 10.0).</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly)]
public sealed class InProcessToolchainAttribute : Attribute, IConfigSource
{
    /// <summary>A config holding one mutator job that sets the in-process emit toolchain.</summary>
    public IConfig Config { get; } = ManualConfig.CreateEmpty()
        .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).AsMutator());
}
