using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Flows.Catalog;

/// <summary>A temporary folder holding copies of <c>flows/*.json</c>, deleted on dispose.</summary>
internal sealed class CatalogFolder : IDisposable
{
    public CatalogFolder()
    {
        Path = Directory.CreateTempSubdirectory("ivr-catalog-").FullName;
        foreach (var f in Directory.EnumerateFiles(System.IO.Path.Combine(RepoPaths.Root, "flows"), "*.json"))
            System.IO.File.Copy(f, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(f)));
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Read(string name) => System.IO.File.ReadAllText(File(name));

    /// <summary>Rewrites a file with <paramref name="edit"/> applied to its text (the replaced text must be there).</summary>
    public void Edit(string name, string from, string to)
    {
        var text = Read(name);
        Assert.Contains(from, text);
        System.IO.File.WriteAllText(File(name), text.Replace(from, to, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
