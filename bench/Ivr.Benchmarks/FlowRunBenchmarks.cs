using BenchmarkDotNet.Attributes;
using Ivr.Flows.Model;
using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>Cost of compiling a flow and of one call through menu → digits → queue, at two flow sizes (the per-call cost
/// must not grow with the flow), and the memory held by 100,000 live runs.</summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class FlowRunBenchmarks
{
    private const int LiveRuns = 100_000;
    private static readonly CallInfo Call = new("bench-call", "+33612345678", "Ada", "+33100000000");
    private FlowDocument _doc = null!;
    private CompiledFlow _flow = null!;
    private FlowRun[] _live = [];

    /// <summary>Steps in the flow beyond the five the call goes through.</summary>
    [Params(10, 1000)]
    public int ExtraSteps { get; set; }

    /// <summary>Builds and compiles the flow.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _doc = BenchFlows.MenuDigitsQueue(ExtraSteps);
        _flow = FlowCompiler.Compile(_doc);
        BenchFlows.DriveMenuDigitsQueue(_flow, NullHost.Instance, Call);
    }

    /// <summary>Compiles the flow (done once per flow version, not per call).</summary>
    [Benchmark]
    public CompiledFlow Compile() => FlowCompiler.Compile(_doc);

    /// <summary>Creates a run and drives it: start, menu key, 8 digits, queue connected.</summary>
    [Benchmark]
    public FlowRun StartMenuDigitsQueue() => BenchFlows.DriveMenuDigitsQueue(_flow, NullHost.Instance, Call);

    /// <summary>Creates and starts 100,000 runs that stay live (waiting at the menu); allocated bytes are per run.</summary>
    [Benchmark(OperationsPerInvoke = LiveRuns)]
    public int HundredThousandLiveRuns()
    {
        _live = new FlowRun[LiveRuns];
        for (var i = 0; i < _live.Length; i++)
        {
            var run = _flow.CreateRun(NullHost.Instance, Call, TimeProvider.System);
            run.Start();
            run.PromptFinished();
            _live[i] = run;
        }
        return _live.Length;
    }

    /// <summary>Prints the bytes retained per live run (GC.GetTotalMemory with forced collections) and the CPU time of
    /// one call (process CPU time, which a loaded machine does not inflate the way it inflates wall-clock time).</summary>
    [GlobalCleanup]
    public void Report()
    {
        _live = [];
        var (perRun, total) = MeasureLiveRuns(_flow, LiveRuns);
        Console.WriteLine($"// LiveRuns(ExtraSteps={ExtraSteps}): {LiveRuns:N0} live FlowRuns retain {total / 1048576.0:F1} MB = {perRun:F0} bytes per run");
        var (cpu, bytes) = MeasureCall(_flow, 200_000);
        Console.WriteLine($"// CallCpu(ExtraSteps={ExtraSteps}): menu -> digits -> queue = {cpu:F2} us CPU and {bytes:F0} bytes allocated per call");
    }

    /// <summary>Process CPU microseconds and bytes allocated per call through menu → digits → queue.</summary>
    public static (double CpuMicroseconds, double Bytes) MeasureCall(CompiledFlow flow, int calls)
    {
        for (var i = 0; i < 10_000; i++) BenchFlows.DriveMenuDigitsQueue(flow, NullHost.Instance, Call);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var bytes0 = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++) BenchFlows.DriveMenuDigitsQueue(flow, NullHost.Instance, Call);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - bytes0;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        return (cpu.TotalMilliseconds * 1000 / calls, (double)bytes / calls);
    }

    /// <summary>Bytes retained by <paramref name="count"/> started runs waiting at the menu, and in total.</summary>
    public static (double PerRun, long Total) MeasureLiveRuns(CompiledFlow flow, int count)
    {
        var runs = new FlowRun[count];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < runs.Length; i++)
        {
            var call = new CallInfo("call-" + i, "+336" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), null, "+33100000000");
            var run = flow.CreateRun(NullHost.Instance, call, TimeProvider.System);
            run.Start();
            run.PromptFinished();
            runs[i] = run;
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(runs);
        var total = after - before;
        return ((double)total / count, total);
    }
}
