using BenchmarkDotNet.Attributes;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>
/// The shipped <c>flows/hotline.json</c>: load + validate + compile it, and one real call through it
/// (English, billing, 8-digit account in the collect-account subflow, queue answered), in office hours.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class HotlineBenchmarks
{
    private static readonly CallInfo Call = new("bench-call", "+33612345678", "Ada", "hotline");
    private static readonly string Script = "1" + "1" + "12345678#";
    private readonly TimeProvider _officeHours = new FixedTime(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)));
    private string _hotlinePath = "";
    private FlowDocument _hotline = null!;
    private CompiledFlow _account = null!;
    private CompiledFlow _flow = null!;

    /// <summary>Finds the repository's flows and compiles them once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var flows = Path.Combine(RepoRoot(), "flows");
        _hotlinePath = Path.Combine(flows, "hotline.json");
        _hotline = FlowLoader.LoadFile(_hotlinePath).Document ?? throw new InvalidOperationException("hotline.json does not load");
        _account = FlowCompiler.Compile(FlowLoader.LoadFile(Path.Combine(flows, "collect-account.json")).Document!);
        _flow = FlowCompiler.Compile(_hotline, id => id == _account.Id ? _account : null);
        var run = DriveCall();
        if (run.Outcome?.Code != "connected:billing") throw new InvalidOperationException($"unexpected outcome {run.Outcome?.Code} at {run.CurrentStep}");
    }

    /// <summary>Reads, parses with positions, validates against the schema and binds hotline.json.</summary>
    [Benchmark]
    public FlowDocument? LoadHotline() => FlowLoader.LoadFile(_hotlinePath).Document;

    /// <summary>Compiles the bound hotline (once per flow version in the engine).</summary>
    [Benchmark]
    public CompiledFlow CompileHotline() => FlowCompiler.Compile(_hotline, id => id == _account.Id ? _account : null);

    /// <summary>One whole call: every prompt finished, keys 1, 1, 12345678#, queue connected.</summary>
    [Benchmark]
    public FlowRun CallThroughHotline() => DriveCall();

    private FlowRun DriveCall()
    {
        var run = _flow.CreateRun(NullHost.Instance, Call, _officeHours);
        run.Start();
        var next = 0;
        for (var guard = 0; guard < 200 && !run.IsEnded; guard++)
        {
            switch (run.Waiting)
            {
                case FlowWait.Prompt:
                    run.PromptFinished();
                    break;
                case FlowWait.Input when next < Script.Length:
                    run.Digit(Script[next++]);
                    break;
                case FlowWait.Queue:
                    run.QueueResult(QueueOutcome.Connected);
                    break;
                default:
                    run.Hangup();
                    break;
            }
        }
        return run;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ivr.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the benchmarks from inside the repository");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
