using System.Globalization;

namespace Ivr.Flows.Json;

/// <summary>
/// An immutable JSON value that remembers where it was written: 1-based line and column and its RFC 6901 pointer.
/// </summary>
public sealed class PositionedNode
{
    private PositionedNode(PositionedNodeKind kind, string pointer, int line, int column)
    {
        Kind = kind;
        Pointer = pointer;
        Line = line;
        Column = column;
    }

    /// <summary>The JSON kind of the value.</summary>
    public PositionedNodeKind Kind { get; }

    /// <summary>RFC 6901 pointer of the value; empty for the document root.</summary>
    public string Pointer { get; }

    /// <summary>1-based line of the value's first character.</summary>
    public int Line { get; }

    /// <summary>1-based column (UTF-16 code units) of the value's first character.</summary>
    public int Column { get; }

    /// <summary>The unescaped text of a string value, else null.</summary>
    public string? String { get; private init; }

    /// <summary>The value of a number (0 for other kinds).</summary>
    public double Number { get; private init; }

    /// <summary>The number exactly as written (e.g. <c>1.50</c>), else null.</summary>
    public string? RawNumber { get; private init; }

    /// <summary>The value of a boolean (false for other kinds).</summary>
    public bool Boolean { get; private init; }

    /// <summary>Members of an object in file order; empty for other kinds.</summary>
    public IReadOnlyList<PositionedProperty> Properties { get; private init; } = [];

    /// <summary>Items of an array; empty for other kinds.</summary>
    public IReadOnlyList<PositionedNode> Items { get; private init; } = [];

    /// <summary>True for a number without a fractional part (JSON Schema's <c>integer</c>).</summary>
    public bool IsInteger => Kind == PositionedNodeKind.Number && double.IsFinite(Number) && Math.Floor(Number) == Number;

    /// <summary>The first member named <paramref name="name"/>, or null.</summary>
    public PositionedProperty? Property(string name)
    {
        foreach (var p in Properties)
        {
            if (p.Name == name) return p;
        }
        return null;
    }

    /// <summary>The value of the member named <paramref name="name"/>, or null.</summary>
    public PositionedNode? this[string name] => Property(name)?.Value;

    /// <summary>The value as text: a string's content, a number as written, <c>true</c>/<c>false</c>, <c>null</c>.</summary>
    public string ToText() => Kind switch
    {
        PositionedNodeKind.String => String!,
        PositionedNodeKind.Number => RawNumber ?? Number.ToString(CultureInfo.InvariantCulture),
        PositionedNodeKind.Boolean => Boolean ? "true" : "false",
        PositionedNodeKind.Null => "null",
        PositionedNodeKind.Array => "[…]",
        _ => "{…}",
    };

    /// <summary>Deep JSON equality: same kind, numbers by value, objects by members regardless of order.</summary>
    public bool JsonEquals(PositionedNode other)
    {
        if (Kind != other.Kind) return false;
        switch (Kind)
        {
            case PositionedNodeKind.String: return String == other.String;
            case PositionedNodeKind.Number: return Number.Equals(other.Number);
            case PositionedNodeKind.Boolean: return Boolean == other.Boolean;
            case PositionedNodeKind.Null: return true;
            case PositionedNodeKind.Array:
                if (Items.Count != other.Items.Count) return false;
                for (var i = 0; i < Items.Count; i++)
                {
                    if (!Items[i].JsonEquals(other.Items[i])) return false;
                }
                return true;
            default:
                if (Properties.Count != other.Properties.Count) return false;
                foreach (var p in Properties)
                {
                    var o = other[p.Name];
                    if (o is null || !p.Value.JsonEquals(o)) return false;
                }
                return true;
        }
    }

    internal static PositionedNode NewString(string value, string pointer, int line, int column) =>
        new(PositionedNodeKind.String, pointer, line, column) { String = value };

    internal static PositionedNode NewNumber(double value, string raw, string pointer, int line, int column) =>
        new(PositionedNodeKind.Number, pointer, line, column) { Number = value, RawNumber = raw };

    internal static PositionedNode NewBoolean(bool value, string pointer, int line, int column) =>
        new(PositionedNodeKind.Boolean, pointer, line, column) { Boolean = value };

    internal static PositionedNode NewNull(string pointer, int line, int column) =>
        new(PositionedNodeKind.Null, pointer, line, column);

    internal static PositionedNode NewObject(IReadOnlyList<PositionedProperty> properties, string pointer, int line, int column) =>
        new(PositionedNodeKind.Object, pointer, line, column) { Properties = properties };

    internal static PositionedNode NewArray(IReadOnlyList<PositionedNode> items, string pointer, int line, int column) =>
        new(PositionedNodeKind.Array, pointer, line, column) { Items = items };
}
