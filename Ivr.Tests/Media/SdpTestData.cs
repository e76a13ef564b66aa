namespace Ivr.Tests.Media;

internal static class SdpTestData
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "Sdp");

    public static string Load(string name) => File.ReadAllText(Path.Combine(Folder, name));

    /// <summary>The offers in <c>TestData/Sdp</c>, by name without <c>.sdp</c>.</summary>
    public static IEnumerable<string> OfferNames() =>
        Directory.GetFiles(Folder, "*.sdp").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    /// <summary>
    /// The answer <c>SdpNegotiator.Answer</c> gave to offer <paramref name="name"/> at 127.0.0.1:20000 with session id 42 before
    /// admission and answer writing were split (or "488 reason" when it refused), recorded in <c>TestData/Sdp/answers</c>.
    /// </summary>
    public static string RecordedAnswer(string name) => File.ReadAllText(Path.Combine(Folder, "answers", name + ".answer"));
}
