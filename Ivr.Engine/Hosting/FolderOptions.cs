namespace Ivr.Engine.Hosting;

/// <summary>A folder setting (<c>Sounds</c>, <c>Data</c> sections).</summary>
public sealed class FolderOptions
{
    /// <summary>The folder, relative to the current directory or the repository.</summary>
    public string Folder { get; set; } = string.Empty;
}
