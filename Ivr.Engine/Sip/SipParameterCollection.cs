using System.Collections;
using System.Text;

namespace Ivr.Engine.Sip;

/// <summary>An immutable, ordered list of parameters with case-insensitive name lookup (RFC 3261 §7.3.1, §19.1.4).</summary>
public sealed class SipParameterCollection : IReadOnlyList<SipParameter>
{
    private readonly SipParameter[] _items;

    /// <summary>The empty collection.</summary>
    public static SipParameterCollection Empty { get; } = new([]);

    /// <summary>Creates a collection from parameters in order.</summary>
    public SipParameterCollection(IEnumerable<SipParameter> items) => _items = items.ToArray();

    private SipParameterCollection(SipParameter[] items, bool _) => _items = items;

    internal static SipParameterCollection FromList(List<SipParameter> list) =>
        list.Count == 0 ? Empty : new SipParameterCollection(list.ToArray(), false);

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public SipParameter this[int index] => _items[index];

    /// <summary>True if a parameter with this name (case-insensitive) is present.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The value of the first parameter with this name, or null (absent or flag).</summary>
    public string? Get(string name)
    {
        var i = IndexOf(name);
        return i < 0 ? null : _items[i].Value;
    }

    /// <summary>Returns a copy where the parameter is set (replacing an existing one in place, or appended).</summary>
    public SipParameterCollection With(string name, string? value)
    {
        var list = _items.ToList();
        var i = IndexOf(name);
        if (i >= 0) list[i] = new SipParameter(list[i].Name, value);
        else list.Add(new SipParameter(name, value));
        return new SipParameterCollection(list);
    }

    /// <summary>Returns a copy without parameters of this name.</summary>
    public SipParameterCollection Without(string name) =>
        new(_items.Where(p => !p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)));

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (_items[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>Formats as <c>;a=b;c</c> (each parameter preceded by a semicolon).</summary>
    public override string ToString()
    {
        if (_items.Length == 0) return "";
        var sb = new StringBuilder();
        foreach (var p in _items) sb.Append(';').Append(p.ToString());
        return sb.ToString();
    }

    /// <inheritdoc/>
    public IEnumerator<SipParameter> GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>
    /// Parses <c>*( SEMI generic-param )</c> where SEMI and EQUAL allow surrounding whitespace (RFC 3261 §25.1);
    /// gen-value is token, host or quoted-string. The whole span must be consumed.
    /// </summary>
    internal static bool TryParseGeneric(ReadOnlySpan<char> s, out SipParameterCollection result)
    {
        result = Empty;
        if (s.IsEmpty || s.IndexOfAnyExcept(" \t") < 0) return true;
        var list = new List<SipParameter>(2);
        var i = 0;
        while (true)
        {
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            if (i >= s.Length) break;
            if (s[i] != ';') return false;
            i++;
            while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
            var nameStart = i;
            while (i < s.Length && SipSyntax.IsTokenChar(s[i])) i++;
            if (i == nameStart) return false;
            var name = s[nameStart..i].ToString();
            var j = i;
            while (j < s.Length && SipSyntax.IsWs(s[j])) j++;
            string? value = null;
            if (j < s.Length && s[j] == '=')
            {
                j++;
                while (j < s.Length && SipSyntax.IsWs(s[j])) j++;
                if (j >= s.Length) return false;
                var vStart = j;
                if (s[j] == '"')
                {
                    j = SipSyntax.SkipQuoted(s, j);
                    if (j < 0) return false;
                }
                else
                {
                    while (j < s.Length && (SipSyntax.IsTokenChar(s[j]) || s[j] is ':' or '[' or ']')) j++;
                    if (j == vStart) return false;
                }
                value = s[vStart..j].ToString();
                i = j;
            }
            list.Add(new SipParameter(name, value));
        }
        result = FromList(list);
        return true;
    }
}
