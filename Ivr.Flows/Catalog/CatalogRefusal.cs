using Ivr.Flows.Diagnostics;

namespace Ivr.Flows.Catalog;

/// <summary>A file the reload did not take, with the diagnostics that say why; its previous version (if any) stays live.</summary>
public sealed record CatalogRefusal(string File, string? FlowId, IReadOnlyList<Diagnostic> Diagnostics);
