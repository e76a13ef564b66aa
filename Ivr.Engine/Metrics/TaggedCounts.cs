using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ivr.Engine.Metrics;

/// <summary>
/// Thread-safe counts keyed by one or two tag values (flow and step, method, outcome…), the single source that both an
/// observable instrument and the JSON status read, so <c>/metrics</c> and <c>status</c> always agree. Adding to a key seen
/// before allocates nothing.
/// </summary>
public sealed class TaggedCounts
{
    private readonly ConcurrentDictionary<(string, string), StrongBox> _counts = new();
    private readonly string _first;
    private readonly string? _second;

    /// <summary>Counts tagged <paramref name="first"/> and, when given, <paramref name="second"/>.</summary>
    public TaggedCounts(string first, string? second = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(first);
        _first = first;
        _second = second;
    }

    /// <summary>Adds <paramref name="delta"/> to the count of (<paramref name="first"/>, <paramref name="second"/>).</summary>
    public void Add(string first, string? second = null, long delta = 1)
    {
        var box = _counts.GetOrAdd((first ?? string.Empty, second ?? string.Empty), static _ => new StrongBox());
        Interlocked.Add(ref box.Value, delta);
    }

    /// <summary>The count of (<paramref name="first"/>, <paramref name="second"/>), 0 when never added.</summary>
    public long Get(string first, string? second = null) =>
        _counts.TryGetValue((first, second ?? string.Empty), out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>The sum over every key.</summary>
    public long Total => _counts.Values.Sum(b => Interlocked.Read(ref b.Value));

    /// <summary>Every key and its count, ordered by key.</summary>
    public IReadOnlyList<(string First, string Second, long Count)> Snapshot() =>
        _counts.Select(kv => (kv.Key.Item1, kv.Key.Item2, Interlocked.Read(ref kv.Value.Value)))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal).ToList();

    /// <summary>Counts by the first tag alone (summed over the second).</summary>
    public IReadOnlyDictionary<string, long> ByFirst() =>
        Snapshot().GroupBy(e => e.First, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Count), StringComparer.Ordinal);

    /// <summary>The measurements of an observable counter or gauge: one per key, tagged.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        foreach (var (first, second, count) in Snapshot())
        {
            yield return _second is null
                ? new Measurement<long>(count, new KeyValuePair<string, object?>(_first, first))
                : new Measurement<long>(count, new KeyValuePair<string, object?>(_first, first), new KeyValuePair<string, object?>(_second, second));
        }
    }

    private sealed class StrongBox
    {
#pragma warning disable CA1051 // A field, so Interlocked can update it in place.
        public long Value;
#pragma warning restore CA1051
    }
}
