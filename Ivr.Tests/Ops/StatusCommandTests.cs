using Ivr.Engine.Cli;
using Ivr.Tests.Cli;

namespace Ivr.Tests.Ops;

/// <summary><c>ivr status</c> against a real engine host: the table, the JSON, and clear errors for a bad address.</summary>
public class StatusCommandTests
{
    [Fact]
    public async Task OnceTable_ShowsTheNodeCallsEveryLoadedFlowAndTheRoutersSkills()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs);

        var result = await CliRunner.Run("status", "--once", "--url", host.Http.BaseAddress!.ToString());

        Assert.True(result.Code == 0, result.All);
        var lines = result.Out.Split('\n');
        Assert.Contains("ready", lines[0], StringComparison.Ordinal);
        Assert.Contains($"  node {Environment.MachineName}:", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Cluster not clustered: " + Environment.MachineName + ":", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(" runs alone", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Calls   active 0  started 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("flow ", StringComparison.Ordinal) && l.Contains("abandoned", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hotline ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("collect-account ", StringComparison.Ordinal));
        // The router runs on the repository's agents.json: one line per skill, nobody waiting yet.
        Assert.Contains(lines, l => l.StartsWith("skill ", StringComparison.Ordinal) && l.Contains("waiting", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("billing ", StringComparison.Ordinal));
        Assert.DoesNotContain("\u001b[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_WithAFakeClusterOfThree_PrintsEveryMember_AndWhichNodeItAsked_AsTextAndJson()
    {
        var cluster = FakeClusterMembership.ThreeWithOneUnreachable();
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugsIn(cluster));
        var url = host.Http.BaseAddress!.ToString();

        var text = await CliRunner.Run("status", "--once", "--url", url);
        var json = await CliRunner.Run("status", "--once", "--format", "json", "--url", url);

        Assert.True(text.Code == 0, text.All);
        var lines = text.Out.Split('\n');
        Assert.StartsWith($"Ivr {url}  node n1  ", lines[0], StringComparison.Ordinal);
        Assert.Equal($"Cluster 3 members (1 unreachable)  leader n2  asked n1 at {url}", lines[1]);
        Assert.Equal(["member", "state", "leader", "asked", "address", "roles"], Words(lines[2]));
        Assert.Equal(["n1", "up", "-", "yes", "akka.tcp://ivr@127.0.0.2:4053", "ivr"], Words(lines[3]));
        Assert.Equal(["n2", "up", "yes", "-", "akka.tcp://ivr@127.0.0.3:4053", "ivr"], Words(lines[4]));
        Assert.Equal(["n3", "unreachable", "-", "-", "akka.tcp://ivr@127.0.0.4:4053", "ivr"], Words(lines[5]));
        Assert.Equal(lines[3].IndexOf("up", StringComparison.Ordinal), lines[5].IndexOf("unreachable", StringComparison.Ordinal));

        Assert.True(json.Code == 0, json.All);
        using var report = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal("n1", report.RootElement.GetProperty("node").GetProperty("name").GetString());
        var members = report.RootElement.GetProperty("cluster").GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(["n1", "n2", "n3"], members.Select(m => m.GetProperty("node").GetString()));
        Assert.Equal("n1", members.Single(m => m.GetProperty("self").GetBoolean()).GetProperty("node").GetString());
        Assert.Equal("unreachable", members[2].GetProperty("state").GetString());
    }

    [Fact]
    public async Task WithoutOnce_RedrawsTheTableEverySecond_UntilCancelled()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs);
        var frames = new FrameWriter(3);
        using var stop = new CancellationTokenSource();

        var run = CliApp.RunAsync(["status", "--url", host.Http.BaseAddress!.ToString()], new CliConsole(TextReader.Null, frames, new StringWriter()), stop.Token);
        await frames.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, code);
        var text = frames.ToString();
        var screens = text.Split(FrameWriter.Clear, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(screens.Length >= 3, text);
        Assert.All(screens, screen => Assert.StartsWith("Ivr http://127.0.0.1:", screen, StringComparison.Ordinal));
        Assert.True(frames.Elapsed >= TimeSpan.FromSeconds(1.5), $"three frames came {frames.Elapsed} apart: one per second, not a busy loop");
    }

    [Fact]
    public async Task BadOrUnreachableUrl_IsAClearError()
    {
        var notUrl = await CliRunner.Run("status", "--once", "--url", "localhost:8080");
        var nobody = await CliRunner.Run("status", "--once", "--url", "http://127.0.0.1:1");
        var badFormat = await CliRunner.Run("status", "--once", "--format", "xml");

        Assert.Equal(2, notUrl.Code);
        Assert.Contains("is not an http(s) URL", notUrl.Error, StringComparison.Ordinal);
        Assert.Equal(1, nobody.Code);
        Assert.Contains("Cannot read the status of http://127.0.0.1:1/", nobody.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, badFormat.Code);
        Assert.Contains("xml", badFormat.All, StringComparison.Ordinal);
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Captures what <c>status</c> writes and completes <see cref="Reached"/> once it has cleared the screen <c>n</c> times.</summary>
internal sealed class FrameWriter(int n) : StringWriter
{
    public const string Clear = "\u001b[H\u001b[2J";

    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Diagnostics.Stopwatch _sinceFirst = new();
    private int _frames;

    public Task Reached => _reached.Task;

    /// <summary>Time from the first frame to the n-th.</summary>
    public TimeSpan Elapsed { get; private set; }

    public override Task WriteAsync(string? value)
    {
        lock (this) base.Write(value);
        if (value == Clear)
        {
            if (++_frames == 1) _sinceFirst.Start();
            if (_frames == n)
            {
                Elapsed = _sinceFirst.Elapsed;
                _reached.TrySetResult();
            }
        }
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        lock (this) base.WriteLine(value);
        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (this) return base.ToString();
    }
}
