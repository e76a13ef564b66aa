namespace Ivr.Engine.Ops;

/// <summary>Console log settings (<c>Logging</c> section; levels stay under <c>Logging:LogLevel</c>).</summary>
public sealed class LogOptions
{
    /// <summary><c>text</c> (default, one line per event with its scopes) or <c>json</c> (one JSON object per line, scopes as fields).</summary>
    public string Format { get; set; } = "text";
}
