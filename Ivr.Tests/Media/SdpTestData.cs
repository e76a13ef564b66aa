namespace Ivr.Tests.Media;

internal static class SdpTestData
{
    public static string Load(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Sdp", name));
}
