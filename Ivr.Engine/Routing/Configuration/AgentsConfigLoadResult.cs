using Ivr.Flows.Diagnostics;

namespace Ivr.Engine.Routing.Configuration;

/// <summary>A loaded <c>agents.json</c>, or the errors (file, line, column, JSON pointer, message) that refused it.</summary>
/// <param name="Config">The configuration, null if any error was found.</param>
/// <param name="Diagnostics">Every finding, sorted by position.</param>
public sealed record AgentsConfigLoadResult(AgentsConfig? Config, IReadOnlyList<Diagnostic> Diagnostics);
