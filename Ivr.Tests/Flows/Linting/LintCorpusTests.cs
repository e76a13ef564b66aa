using System.Reflection;
using System.Text.Json;
using Ivr.Flows.Diagnostics;

namespace Ivr.Tests.Flows.Linting;

/// <summary>
/// Checks the lint corpus itself (TestData/flows/invalid/lint-*.json and their .expect sidecars) without FlowLoader:
/// each expectation names a real code and a pointer that exists in the file, on the line given.
/// </summary>
public class LintCorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "flows", "invalid");

    private static readonly HashSet<string> KnownCodes = typeof(DiagnosticCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToHashSet(StringComparer.Ordinal);

    public static TheoryData<string> LintFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Folder, "lint-*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    // IVR208 needs LintOptions.FlowExists, which the corpus harness does not pass: SubflowRuleTests cover it.
    [Fact]
    public void Corpus_CoversEveryLintCode()
    {
        var codes = Directory.GetFiles(Folder, "lint-*.expect").Select(f => File.ReadAllText(f).Split(' ')[0]).ToHashSet();
        string[] expected =
        [
            DiagnosticCodes.UnknownStart, DiagnosticCodes.UnknownTarget, DiagnosticCodes.UnreachableStep, DiagnosticCodes.DeadEnd,
            DiagnosticCodes.LoopWithoutExit, DiagnosticCodes.RetriesWithoutLimit, DiagnosticCodes.DuplicateDtmfKey,
            DiagnosticCodes.DuplicatePhrase, DiagnosticCodes.InvalidDigitsRange, DiagnosticCodes.UnknownPrompt,
            DiagnosticCodes.SoundFileMissing, DiagnosticCodes.PromptMissingLocale, DiagnosticCodes.UnusedPrompt,
            DiagnosticCodes.UnknownVariable, DiagnosticCodes.ReadOnlyVariable, DiagnosticCodes.UnknownCalendar,
            DiagnosticCodes.UnknownTimeZone, DiagnosticCodes.InvalidRegex,
            DiagnosticCodes.ReturnOutsideSubflow, DiagnosticCodes.UnsupportedLanguage, DiagnosticCodes.ChoiceNeverSelectable,
        ];

        Assert.Empty(expected.Except(codes));
    }

    [Theory]
    [MemberData(nameof(LintFiles))]
    public void ExpectFile_NamesAKnownCodeAndAPointerOnThatLine(string name)
    {
        var json = File.ReadAllText(Path.Combine(Folder, name + ".json"));
        var expect = File.ReadAllText(Path.Combine(Folder, name + ".expect")).TrimEnd('\n', '\r');
        var parts = expect.Split(' ');

        Assert.Equal(3, parts.Length);
        Assert.DoesNotContain('\n', expect);
        Assert.Contains(parts[0], KnownCodes);
        var pointer = parts[2] == "-" ? string.Empty : parts[2];
        var positions = JsonPositions.Of(json);
        Assert.True(positions.ContainsKey(pointer), $"{name}: pointer {pointer} is not in the file");
        Assert.Equal(positions[pointer].Line, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(LintFiles))]
    public void LintFile_PointsAtTheSchemaAndIsNamedByItsId(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));

        Assert.Equal("../../../../flows.schema.json", doc.RootElement.GetProperty("$schema").GetString());
        Assert.Equal(name, doc.RootElement.GetProperty("id").GetString());
    }
}
