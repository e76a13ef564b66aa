namespace Ivr.Engine.Sip;

/// <summary>One header field line: canonical name and value with folding removed (RFC 3261 §7.3).</summary>
/// <param name="Name">Canonical full name (compact forms expanded, known names in their RFC spelling).</param>
/// <param name="Value">Value with leading and trailing whitespace removed.</param>
public readonly record struct SipHeader(string Name, string Value)
{
    /// <summary>Formats as <c>Name: value</c>.</summary>
    public override string ToString() => Name + ": " + Value;
}
