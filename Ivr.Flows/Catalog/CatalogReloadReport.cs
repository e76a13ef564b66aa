namespace Ivr.Flows.Catalog;

/// <summary>What one reload changed: flow ids added, updated (a new version went live) and removed, and the files refused.</summary>
public sealed record CatalogReloadReport(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Removed,
    IReadOnlyList<CatalogRefusal> Refused);
