using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Simulation;

/// <summary>What reading a scenario file produced: the suite when usable, and every problem found.</summary>
/// <param name="Suite">The suite, or null when the file has errors.</param>
/// <param name="Diagnostics">Problems found, each with a JSON pointer.</param>
public sealed record FlowTestSuiteLoadResult(FlowTestSuite? Suite, IReadOnlyList<Diagnostic> Diagnostics);
