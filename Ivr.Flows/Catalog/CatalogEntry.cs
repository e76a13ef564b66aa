using Ivr.Flows.Diagnostics;
using Ivr.Flows.Runtime;

namespace Ivr.Flows.Catalog;

/// <summary>One live flow: the compiled version, the file and content hash it came from, when it went live, and its warnings.</summary>
public sealed record CatalogEntry(CompiledFlow Flow, string File, string Hash, DateTimeOffset LoadedAt, IReadOnlyList<Diagnostic> Diagnostics);
