namespace Ivr.Engine.Hosting;

/// <summary>Which flows are loaded and which number runs which (<c>Flows</c> section).</summary>
public sealed class FlowsOptions
{
    /// <summary>The folder of flow files, relative to the current directory or the repository.</summary>
    public string Folder { get; set; } = "flows";

    /// <summary>Dialled number (Request-URI user part) → flow id; <c>hotline → hotline</c> when none is configured.</summary>
    public Dictionary<string, string> Map { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The flow for numbers not in <see cref="Map"/>; null answers them 404.</summary>
    public string? DefaultFlow { get; set; }
}
