using System.Collections;

namespace Ivr.Engine.Sip;

/// <summary>
/// The ordered header fields of a message. Names are compared case-insensitively and stored in canonical form
/// (compact forms expanded, RFC 3261 §7.3.3); the relative order of same-named fields is kept (RFC 3261 §7.3.1).
/// </summary>
public sealed class SipHeaderCollection : IReadOnlyList<SipHeader>
{
    private readonly List<SipHeader> _items;

    /// <summary>Creates an empty collection.</summary>
    public SipHeaderCollection() => _items = new List<SipHeader>(16);

    internal SipHeaderCollection(int capacity) => _items = new List<SipHeader>(capacity);

    /// <summary>Incremented on every change; typed accessors use it to invalidate their cache.</summary>
    public int Version { get; private set; }

    /// <inheritdoc/>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public SipHeader this[int index] => _items[index];

    /// <summary>The first value of the named header, or null.</summary>
    public string? this[string name]
    {
        get
        {
            var n = SipHeaderNames.Normalize(name);
            foreach (var h in _items)
            {
                if (h.Name.Equals(n, StringComparison.OrdinalIgnoreCase)) return h.Value;
            }
            return null;
        }
    }

    /// <summary>Appends a header (name normalised).</summary>
    public void Add(string name, string value)
    {
        _items.Add(new SipHeader(SipHeaderNames.Normalize(name), value));
        Version++;
    }

    internal void AddCanonical(string canonicalName, string value)
    {
        _items.Add(new SipHeader(canonicalName, value));
        Version++;
    }

    /// <summary>Inserts a header at a position (e.g. a new top Via at 0 relative to other Vias).</summary>
    public void Insert(int index, string name, string value)
    {
        _items.Insert(index, new SipHeader(SipHeaderNames.Normalize(name), value));
        Version++;
    }

    /// <summary>Inserts a header before the first header of the same name, or appends it (new top Via, RFC 3261 §16.6 step 8).</summary>
    public void AddFirst(string name, string value)
    {
        var n = SipHeaderNames.Normalize(name);
        var i = _items.FindIndex(h => h.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
        if (i < 0) _items.Add(new SipHeader(n, value));
        else _items.Insert(i, new SipHeader(n, value));
        Version++;
    }

    /// <summary>Removes every header with this name; returns how many were removed.</summary>
    public int Remove(string name)
    {
        var n = SipHeaderNames.Normalize(name);
        var removed = _items.RemoveAll(h => h.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
        if (removed > 0) Version++;
        return removed;
    }

    /// <summary>Removes the first header with this name (e.g. the top Via, RFC 3261 §16.7 step 3).</summary>
    public bool RemoveFirst(string name)
    {
        var n = SipHeaderNames.Normalize(name);
        var i = _items.FindIndex(h => h.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
        if (i < 0) return false;
        _items.RemoveAt(i);
        Version++;
        return true;
    }

    /// <summary>Replaces all headers of this name by one value, at the position of the first one.</summary>
    public void Set(string name, string value)
    {
        var n = SipHeaderNames.Normalize(name);
        var i = _items.FindIndex(h => h.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
        _items.RemoveAll(h => h.Name.Equals(n, StringComparison.OrdinalIgnoreCase));
        if (i < 0 || i > _items.Count) _items.Add(new SipHeader(n, value));
        else _items.Insert(i, new SipHeader(n, value));
        Version++;
    }

    /// <summary>True if at least one header has this name.</summary>
    public bool Contains(string name) => this[name] is not null;

    /// <summary>How many header lines (after list splitting) have this name.</summary>
    public int CountOf(string name)
    {
        var n = SipHeaderNames.Normalize(name);
        var count = 0;
        foreach (var h in _items)
        {
            if (h.Name.Equals(n, StringComparison.OrdinalIgnoreCase)) count++;
        }
        return count;
    }

    /// <summary>All values of the named header, in order.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        var n = SipHeaderNames.Normalize(name);
        List<string>? list = null;
        foreach (var h in _items)
        {
            if (h.Name.Equals(n, StringComparison.OrdinalIgnoreCase)) (list ??= new List<string>(2)).Add(h.Value);
        }
        return list is null ? [] : list;
    }

    /// <inheritdoc/>
    public IEnumerator<SipHeader> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
