namespace Ivr.Engine.Hosting;

/// <summary>
/// Finds the engine's folders (<c>flows/</c>, <c>sounds/</c>, <c>data/</c>): absolute paths as given, relative ones under the
/// current directory when they exist there, else under the repository (the folder holding <c>Ivr.sln</c> above the binary).
/// </summary>
public static class RepoLayout
{
    /// <summary>The full path of <paramref name="folder"/>.</summary>
    public static string Locate(string folder) => Locate(folder, Directory.GetCurrentDirectory(), AppContext.BaseDirectory);

    /// <summary>The full path of <paramref name="folder"/> from <paramref name="currentDirectory"/> and <paramref name="baseDirectory"/>.</summary>
    public static string Locate(string folder, string currentDirectory, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (Path.IsPathRooted(folder)) return Path.GetFullPath(folder);
        var local = Path.GetFullPath(Path.Combine(currentDirectory, folder));
        if (Directory.Exists(local)) return local;
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ivr.sln"))) return Path.GetFullPath(Path.Combine(dir.FullName, folder));
        }
        return local;
    }
}
