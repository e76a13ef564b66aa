using Ivr.Fuzz.Targets;

namespace Ivr.Tests.Fuzz;

/// <summary>
/// Replays every committed fuzz input (seeds, the afl-cmin corpus and crash regressions under
/// <c>TestData/fuzz/&lt;target&gt;/</c>) through the same one-input functions AFL++ drives: no exception, no broken invariant.
/// </summary>
public class FuzzCorpusTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "TestData", "fuzz");

    public static TheoryData<string, string> CorpusFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTarget.Names)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, target), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(target, Path.GetRelativePath(Path.Combine(Root, target), file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Run_CorpusFile_KeepsEveryInvariant(string target, string file)
    {
        var run = FuzzTarget.Find(target)!;

        var bytes = File.ReadAllBytes(Path.Combine(Root, target, file));

        // A finding throws (an unexpected exception or a FuzzInvariantException); refused and accepted inputs both return.
        var finding = Record.Exception(() => run(bytes));

        Assert.True(finding is null, $"{target}/{file}: {finding}");
    }

    [Fact]
    public void Names_EveryTarget_HasSeeds()
    {
        foreach (var target in FuzzTarget.Names)
        {
            Assert.NotNull(FuzzTarget.Find(target));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(Root, target, "seeds")));
        }

        Assert.Null(FuzzTarget.Find("nope"));
    }
}
