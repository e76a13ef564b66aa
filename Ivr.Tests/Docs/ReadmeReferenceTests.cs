using Ivr.Flows.Schema;
using Ivr.Tests.Flows.Loading;

namespace Ivr.Tests.Docs;

public class ReadmeReferenceTests
{
    private const string Begin = "<!-- FORMAT-REFERENCE:BEGIN (generated from flows.schema.json by Ivr.Flows.Schema.SchemaReference; IVR_UPDATE_README=1 dotnet test --filter ReadmeReference rewrites it) -->";
    private const string End = "<!-- FORMAT-REFERENCE:END -->";

    [Fact]
    public void Readme_FormatReference_MatchesSchema()
    {
        var root = RepoRoot();
        var readmePath = Path.Combine(root, "README.md");
        var readme = File.ReadAllText(readmePath).ReplaceLineEndings("\n");
        var generated = SchemaReference.Generate(File.ReadAllText(Path.Combine(root, "flows.schema.json")));
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md lacks the format reference markers");
        var current = readme[(start + Begin.Length)..end].Trim('\n') + "\n";
        if (current != generated && Environment.GetEnvironmentVariable("IVR_UPDATE_README") == "1")
        {
            File.WriteAllText(readmePath, readme[..(start + Begin.Length)] + "\n\n" + generated + "\n" + readme[end..]);
            return;
        }
        Assert.Equal(generated, current);
    }

    [Fact]
    public void EmbeddedSchema_IsTheRepositorySchema()
    {
        var onDisk = File.ReadAllText(Path.Combine(RepoRoot(), "flows.schema.json")).ReplaceLineEndings("\n");
        Assert.Equal(onDisk, SchemaReference.EmbeddedSchemaText().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Generate_ListsEveryStepKindAndItsProperties()
    {
        var text = SchemaReference.Generate(SchemaReference.EmbeddedSchemaText());
        foreach (var kind in new[] { "play", "menu", "digits", "branch", "set", "queue", "transfer", "message", "callback", "hangup", "goto", "subflow", "return" })
            Assert.Contains("##### `" + kind + "`", text, StringComparison.Ordinal);
        Assert.Contains("| `onExhausted` |", text, StringComparison.Ordinal);
        Assert.Contains("| `interDigitTimeout` |", text, StringComparison.Ordinal);
    }

    private static string RepoRoot() => RepoPaths.Root;
}
