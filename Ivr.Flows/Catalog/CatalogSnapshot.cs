using System.Collections.Immutable;

namespace Ivr.Flows.Catalog;

/// <summary>An immutable view of the catalog at one reload: flows by id, and a generation number that grows at each reload.</summary>
public sealed record CatalogSnapshot(ImmutableDictionary<string, CatalogEntry> Flows, long Generation, DateTimeOffset LoadedAt)
{
    /// <summary>The catalog before the first load.</summary>
    public static CatalogSnapshot Empty { get; } = new(ImmutableDictionary<string, CatalogEntry>.Empty.WithComparers(StringComparer.Ordinal), 0, DateTimeOffset.MinValue);
}
