namespace Ivr.Tests.Cli;

/// <summary>Bad input never crashes the CLI: every command answers a clear diagnostic and exit code 1.</summary>
public sealed class BadInputTests : IClassFixture<BadInputTests.Inputs>
{
    private readonly Inputs _inputs;

    public BadInputTests(Inputs inputs) => _inputs = inputs;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "validate", "lint", "graph", "simulate", "test" })
        {
            foreach (var input in new[] { "not-json", "empty", "huge", "deep", "wrong-type", "missing", "directory", "binary" }) data.Add(command, input);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Command_BadInput_PrintsADiagnosticAndExitsOne(string command, string input)
    {
        var path = _inputs.Path(input);
        string[] args = command == "simulate" ? ["flow", command, path, "--input", "1,/noinput"] : ["flow", command, path];

        var result = await CliRunner.Run(args);

        Assert.Equal(1, result.Code);
        Assert.Matches(@"error IVR\d{3}", result.All);
        Assert.DoesNotContain("Exception", result.All);
        Assert.DoesNotContain("internal error", result.All);
    }

    [Theory]
    [InlineData("not-json", "IVR003")]
    [InlineData("empty", "IVR002")]
    [InlineData("huge", "IVR004")]
    [InlineData("deep", "IVR005")]
    [InlineData("missing", "IVR001")]
    [InlineData("directory", "IVR001")]
    public async Task Validate_BadInput_UsesTheReadingCode(string input, string code)
    {
        var result = await CliRunner.Run("flow", "validate", _inputs.Path(input));

        Assert.Equal(1, result.Code);
        Assert.Contains(code, result.Out);
    }

    [Fact]
    public async Task Test_BrokenScenarioFile_IsReportedWithItsPointer()
    {
        var result = await CliRunner.Run("flow", "test", _inputs.Path("bad-suite"));

        Assert.Equal(1, result.Code);
        Assert.Contains("/scenarios/0/input/1", result.All);
        Assert.Contains("/scenarios/0/expect/outcom", result.All);
    }

    [Fact]
    public async Task Simulate_BadScriptOrInstant_ExitsOne()
    {
        var flow = Path.Combine(Flows.Loading.RepoPaths.Root, "flows", "hotline.json");

        var badToken = await CliRunner.Run("flow", "simulate", flow, "--input", "1,/teleport");
        var badInstant = await CliRunner.Run("flow", "simulate", flow, "--input", "1", "--at", "next tuesday");

        Assert.Equal((1, 1), (badToken.Code, badInstant.Code));
        Assert.Contains("unknown command '/teleport'", badToken.Error);
        Assert.Contains("not an ISO 8601 instant", badInstant.Error);
    }

    /// <summary>A folder of bad files, made once for the class (the 50 MB file is sparse).</summary>
    public sealed class Inputs : IDisposable
    {
        private readonly string _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ivr-cli-bad-" + Guid.NewGuid().ToString("N"), "inputs");

        public Inputs()
        {
            Directory.CreateDirectory(_root);
            File.WriteAllText(Path("not-json"), "this is { not JSON");
            File.WriteAllText(Path("empty"), "");
            using (var huge = File.Create(Path("huge"))) huge.SetLength(50L * 1024 * 1024);
            File.WriteAllText(Path("deep"), new string('[', 10_000) + new string(']', 10_000));
            File.WriteAllText(Path("wrong-type"), """{ "id": 42, "version": "1.0.0", "language": "en-US", "start": "a", "steps": "none" }""");
            Directory.CreateDirectory(Path("directory"));
            var bytes = new byte[4096];
            new Random(7).NextBytes(bytes);
            bytes[0] = 0;
            File.WriteAllBytes(Path("binary"), bytes);
            File.WriteAllText(Path("bad-suite"), """
                { "flow": "hotline.json", "scenarios": [ { "name": "x", "input": ["1", "/teleport"], "expect": { "outcom": "queued:billing" } } ] }
                """);
        }

        public string Path(string name) => name switch
        {
            "missing" => System.IO.Path.Combine(_root, "no-such-flow.json"),
            "directory" => System.IO.Path.Combine(_root, "a-folder.json"),
            "bad-suite" => System.IO.Path.Combine(_root, "bad.tests.json"),
            _ => System.IO.Path.Combine(_root, name + ".json"),
        };

        public void Dispose()
        {
            try
            {
                Directory.Delete(System.IO.Path.GetDirectoryName(_root)!, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
