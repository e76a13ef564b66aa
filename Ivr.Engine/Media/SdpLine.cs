namespace Ivr.Engine.Media;

/// <summary>An SDP line kept as written (RFC 4566 §5: <c>&lt;type&gt;=&lt;value&gt;</c>), for lines this parser does not model.</summary>
public readonly record struct SdpLine(char Type, string Value)
{
    /// <summary>The line as it appears in SDP, without the line ending.</summary>
    public override string ToString() => $"{Type}={Value}";
}
