using BenchmarkDotNet.Attributes;
using Ivr.Engine.Calls;
using Ivr.Engine.Events;
using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>
/// What the events tap costs per call, off the call's thread: reading a typical queued-and-bridged call's timeline into its
/// events (started, queued, offered, connected, ended) and its contact row, and encoding each as a CloudEvents JSON body.
/// The outbox write (a database round trip) is not included.
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class CallEventsBenchmarks
{
    private readonly CloudEventEncoder _encoder = new("/ivr");
    private CallBoard _board = null!;
    private FlowMetrics _flows = null!;
    private CallTimeline _timeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _flows = new FlowMetrics();
        _board = new CallBoard(TimeProvider.System, _flows, recentCalls: 0);
        _timeline = _board.Open(new CallInfo("bench-call@127.0.0.1", "+33698765432", null, "hotline"), "hotline", "1.0.0");
        _timeline.Answered();
        _timeline.Digit('2', "hotline", "main_menu");
        _timeline.QueueEvent("enqueue for billing (priority 5)", "hotline", "queue_billing");
        _timeline.QueueEvent("offer: callback+message (ExpectedWaitOverTarget) at position 3", "hotline", "queue_billing");
        _timeline.Connected("a1", "billing", "hotline", "queue_billing");
        _board.Close(_timeline, "connected:billing");
    }

    [GlobalCleanup]
    public void Cleanup() => _flows.Dispose();

    /// <summary>A whole call read at its end: its events and contact row.</summary>
    [Benchmark]
    public int ReadCall()
    {
        var reader = new CallEventReader(_timeline);
        var (events, contact) = reader.Close();
        return events.Count + contact.Path.Length;
    }

    /// <summary>The same, with every event encoded as the body POSTed to a webhook.</summary>
    [Benchmark]
    public int ReadAndEncodeCall()
    {
        var reader = new CallEventReader(_timeline);
        var (events, _) = reader.Close();
        var bytes = 0;
        foreach (var e in events) bytes += _encoder.Encode(e).Length;
        return bytes;
    }
}
