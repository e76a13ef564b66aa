namespace Ivr.Engine.Hosting;

/// <summary>Where the HTTP endpoints (health, readiness, later metrics and dashboard) listen (<c>Http</c> section).</summary>
public sealed class HttpOptions
{
    /// <summary>URLs separated by <c>;</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";
}
