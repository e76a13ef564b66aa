using System.Globalization;
using System.Text.RegularExpressions;
using Ivr.Tests.Cli;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// <c>ivr dial</c> (in-process, real SIP and RTP over loopback) calls a real <c>ivr serve</c> process and prints, from
/// the engine's timeline of that call, where it went in the flow; and what it says when the engine cannot be asked.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed partial class DialTraceTests : IClassFixture<DialTraceTests.Engine>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly Engine _engine;

    public DialTraceTests(Engine engine) => _engine = engine;

    /// <summary>
    /// The caller waits through the greeting and presses 1 during the menu prompt: the branch on the caller's number
    /// takes its else case, the support prompt plays and the engine hangs up. Every event is printed once, in order.
    /// </summary>
    [Fact]
    public async Task Dial_PressingOne_PrintsTheFlowPathInOrder_EachEventOnce()
    {
        var result = await Dial("--digits", "1", "--digit-interval", "4s", "--hangup-after", "40s", "--from", "+15555550199", "--url", _engine.Http);

        Assert.True(result.Code == 0, result.All + "\nengine:\n" + _engine.Process.Log);
        var trace = Lines(result.Out).Where(l => TraceLine().IsMatch(l)).Select(l => TraceLine().Match(l)).ToList();
        var events = trace.Select(m => m.Groups["event"].Value).ToList();
        string[] expected =
        [
            "step    welcome (play)",
            "prompt  welcome: en-US/welcome.wav",
            "took    welcome: next → menu",
            "step    menu (menu)",
            "prompt  menu: en-US/language_english.wav",
            "input   menu: DTMF 1",
            "took    menu: 1 → check_caller",
            "step    check_caller (branch)",
            "took    check_caller: else → support",
            "step    support (hangup)",
            "prompt  support: en-US/connect_support.wav",
            "hangup  support: support",
            "outcome support: hangup:support",
            "call    ended: hangup:support",
        ];
        var at = 0;
        foreach (var e in expected)
        {
            var found = events.FindIndex(at, x => x.StartsWith(e, StringComparison.Ordinal));
            Assert.True(found >= 0, $"'{e}' not printed after event {at}; trace:\n{string.Join('\n', events)}\noutput:\n{result.Out}");
            at = found + 1;
        }
        Assert.Equal(events.Count, events.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(events, e => e.Contains("vip", StringComparison.Ordinal) || e.Contains("billing", StringComparison.Ordinal));
        // Relative times never go back, and the key came after the greeting (2.8 s), as sent.
        var seconds = trace.Select(m => double.Parse(m.Groups["at"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seconds.Order().ToList(), seconds);
        Assert.InRange(seconds[events.FindIndex(e => e.StartsWith("input   menu: DTMF 1", StringComparison.Ordinal))], 2.7, 30);
        Assert.DoesNotContain("trace:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dial_EngineHttpNotListening_SaysSoInOneLine_AndTheCallStillRuns()
    {
        var closed = $"http://127.0.0.1:{SippProcess.FreeUdpPort()}";

        var result = await Dial("--hangup-after", "2s", "--url", closed);

        Assert.True(result.Code == 0, result.All);
        var said = Assert.Single(Lines(result.Out), l => l.StartsWith("trace:", StringComparison.Ordinal));
        Assert.StartsWith($"trace: cannot read {closed}/", said, StringComparison.Ordinal);
        Assert.Contains("→ BYE", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(result.Out), l => TraceLine().IsMatch(l));
    }

    [Fact]
    public async Task Dial_NoTrace_AsksNothing()
    {
        var result = await Dial("--hangup-after", "1s", "--no-trace", "--url", _engine.Http);

        Assert.True(result.Code == 0, result.All);
        Assert.DoesNotContain(Lines(result.Out), l => TraceLine().IsMatch(l) || l.StartsWith("trace:", StringComparison.Ordinal));
        Assert.Contains("→ BYE", result.Out, StringComparison.Ordinal);
    }

    private Task<CliRunner.Result> Dial(params string[] options) =>
        CliRunner.Run(["dial", $"sip:hotline@{_engine.Process.Target}", .. options]).WaitAsync(Bound);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex(@"^\[\s*(?<at>-?\d+\.\d)s\] ivr (?<event>.+)$")]
    private static partial Regex TraceLine();

    /// <summary>One engine for the class, serving <c>TestData/flows/dial</c> (hotline = dial-trace) on its own ports.</summary>
    public sealed class Engine : IAsyncLifetime
    {
        internal EngineProcess Process { get; private set; } = null!;

        public string Http => $"http://127.0.0.1:{Process.HttpPort}";

        public async Task InitializeAsync() =>
            Process = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/dial", "--set", "Flows:Map:hotline=dial-trace");

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
