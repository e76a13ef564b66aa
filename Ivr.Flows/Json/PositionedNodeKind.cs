namespace Ivr.Flows.Json;

/// <summary>The JSON kind of a <see cref="PositionedNode"/>.</summary>
public enum PositionedNodeKind
{
    /// <summary>A JSON object.</summary>
    Object,
    /// <summary>A JSON array.</summary>
    Array,
    /// <summary>A JSON string.</summary>
    String,
    /// <summary>A JSON number.</summary>
    Number,
    /// <summary>A JSON boolean.</summary>
    Boolean,
    /// <summary>The JSON literal <c>null</c>.</summary>
    Null,
}
