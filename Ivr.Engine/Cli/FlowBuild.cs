using Ivr.Flows.Diagnostics;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Cli;

/// <summary>A flow file loaded, linted and compiled for the CLI: the flow when it has no errors, every diagnostic, and the
/// subflow resolver of its folder.</summary>
/// <param name="Flow">The compiled flow, or null when the file has errors.</param>
/// <param name="Diagnostics">Everything loading and linting found.</param>
/// <param name="Resolve">Finds the compiled flow of a subflow id in the same folder.</param>
public sealed record FlowBuild(CompiledFlow? Flow, IReadOnlyList<Diagnostic> Diagnostics, Func<string, CompiledFlow?> Resolve);
