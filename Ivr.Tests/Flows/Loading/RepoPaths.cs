namespace Ivr.Tests.Flows.Loading;

/// <summary>Locates the repository (the folder holding Ivr.sln) and the flow test data.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestData(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static string Sounds => Path.Combine(Root, "sounds");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ivr.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ivr.sln not found above " + AppContext.BaseDirectory);
    }
}
