namespace Ivr.Engine.Sip;

/// <summary>One <c>name[=value]</c> parameter of a URI or header (RFC 3261 §19.1.1, §25.1 generic-param); the value is kept as written.</summary>
/// <param name="Name">Parameter name as written.</param>
/// <param name="Value">Value as written (quoted strings keep their quotes), or null for a flag parameter.</param>
public readonly record struct SipParameter(string Name, string? Value)
{
    /// <summary>Formats as <c>name</c> or <c>name=value</c>.</summary>
    public override string ToString() => Value is null ? Name : Name + "=" + Value;
}
