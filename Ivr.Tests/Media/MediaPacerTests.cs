using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;
using Xunit.Abstractions;

namespace Ivr.Tests.Media;

[Collection(RealTimeMediaCollection.Name)]
public sealed class MediaPacerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Run_TicksOnAnAbsolute10msGrid()
    {
        using var pacer = new MediaPacer();
        var sender = new RecordingSender(50);
        pacer.Register(sender);

        await sender.Done.Task.WaitAsync(MediaRig.Timeout);
        pacer.Unregister(sender);

        var scheduled = sender.Scheduled.Take(50).ToList();
        var tick = Stopwatch.Frequency / 100;
        Assert.All(scheduled.Zip(scheduled.Skip(1)), p => Assert.Equal(0, (p.Second - p.First) % tick));
        var span = TimeSpan.FromSeconds((scheduled[^1] - scheduled[0]) / (double)Stopwatch.Frequency);
        output.WriteLine($"49 ticks spanned {span.TotalMilliseconds:F1} ms; pacer ticks {pacer.Ticks}, stalls {pacer.Stalls}");
        Assert.InRange(span.TotalMilliseconds, 490, 5000);
    }

    /// <summary>
    /// With no call the pacing thread parks instead of ticking every 10 ms (an idle `ivr serve` used 10 % of a core in
    /// its sleeps and spins, 0 % after), and the first sender registered is ticked again at once.
    /// </summary>
    [Fact]
    public async Task NoSenders_ThePacerParks_AndTicksAgainFromTheNextRegistration()
    {
        using var pacer = new MediaPacer();
        var first = new RecordingSender(5);
        pacer.Register(first);
        await first.Done.Task.WaitAsync(MediaRig.Timeout);
        pacer.Unregister(first);
        await Task.Delay(50); // a tick already running finishes

        var parked = pacer.Ticks;
        await Task.Delay(300); // thirty ticks would have run
        Assert.Equal(parked, pacer.Ticks);

        var next = new RecordingSender(5);
        pacer.Register(next);
        await next.Done.Task.WaitAsync(MediaRig.Timeout);
        // The fifth send completes Done inside its tick, before that tick is counted: wait (bounded) for the count.
        SpinWait.SpinUntil(() => pacer.Ticks >= parked + 5, MediaRig.Timeout);
        Assert.True(pacer.Ticks >= parked + 5, $"ticks {pacer.Ticks} after {parked}");
        var scheduled = next.Scheduled.Take(5).ToList();
        Assert.All(scheduled.Zip(scheduled.Skip(1)), p => Assert.Equal(0, (p.Second - p.First) % (Stopwatch.Frequency / 100))); // on a 10 ms grid again
    }

    [Fact]
    public async Task Unregister_StopsTicksToThatSender()
    {
        using var pacer = new MediaPacer();
        var removed = new RecordingSender(3);
        var kept = new RecordingSender(int.MaxValue);
        pacer.Register(removed);
        pacer.Register(removed);
        pacer.Register(kept);
        await removed.Done.Task.WaitAsync(MediaRig.Timeout);

        pacer.Unregister(removed);
        var calls = removed.Scheduled.Count;
        var keptAt = kept.Scheduled.Count;
        await kept.WaitForAsync(keptAt + 5);

        Assert.InRange(removed.Scheduled.Count, calls, calls + 1);
        Assert.Equal(1, pacer.SenderCount);
    }

    [Fact]
    public void Tick_AThrowingSender_IsCountedAndOthersStillRun()
    {
        using var pacer = new MediaPacer(autoStart: false);
        var good = new RecordingSender(int.MaxValue);
        pacer.Register(new ThrowingSender());
        pacer.Register(good);

        pacer.Tick(Stopwatch.GetTimestamp());

        Assert.Equal(1, pacer.Faults);
        Assert.Single(good.Scheduled);
    }

    [Fact]
    public void RegisterAndUnregister_WithHundredsOfCalls_AllocateNothingOnceGrown()
    {
        using var pacer = new MediaPacer(autoStart: false);
        var live = Enumerable.Range(0, 600).Select(_ => new OrderSender()).ToList();
        foreach (var sender in live) pacer.Register(sender);
        var churn = new OrderSender();
        pacer.Register(churn);
        pacer.Tick(Stopwatch.GetTimestamp());
        pacer.Unregister(churn);

        // Calls come and go while 600 others are live: one registration and one removal per call.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            pacer.Register(churn);
            pacer.Tick(Stopwatch.GetTimestamp());
            pacer.Unregister(churn);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(600, pacer.SenderCount);
        Assert.All(live, s => Assert.Equal(1001, s.Ticks));
    }

    [Fact]
    public void Unregister_KeepsTheOthersInTheirTickOrder()
    {
        using var pacer = new MediaPacer(autoStart: false);
        var order = new List<int>();
        var senders = Enumerable.Range(0, 5).Select(i => new OrderSender(order, i)).ToList();
        foreach (var sender in senders) pacer.Register(sender);

        pacer.Unregister(senders[1]);
        pacer.Tick(Stopwatch.GetTimestamp());

        Assert.Equal([0, 2, 3, 4], order);
    }

    [Fact]
    public void RecordSend_Lateness_FeedsCountersAndPercentiles()
    {
        using var pacer = new MediaPacer(autoStart: false);
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < 98; i++)
        {
            pacer.RecordSend(now + Stopwatch.Frequency);
        }

        pacer.RecordSend(now - (Stopwatch.Frequency / 50));
        pacer.RecordSend(now - (Stopwatch.Frequency / 50));

        Assert.Equal(100, pacer.PacketsSent);
        Assert.Equal(2, pacer.LateSends);
        Assert.True(pacer.MaxLateness >= TimeSpan.FromMilliseconds(20));
        Assert.Equal(TimeSpan.Zero, pacer.GetLatenessPercentile(50));
        Assert.True(pacer.GetLatenessPercentile(99) >= TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task Tick_SessionsInSteadyState_AllocateNothing()
    {
        await using var rig = new MediaRig();
        using var sink = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var pacer = new MediaPacer(autoStart: false);
        var sessions = new List<RtpMediaSession>();
        for (var i = 0; i < 20; i++)
        {
            var session = new RtpMediaSession(rig.Ports, pacer);
            session.Configure(MediaRig.Media((IPEndPoint)sink.Client.LocalEndPoint!, i % 2 == 0 ? MediaRig.Pcmu20 : MediaRig.Pcma30));
            await session.StartAsync();
            session.Play(MediaRig.Tone(440, TimeSpan.FromSeconds(30)));
            sessions.Add(session);
        }

        var start = Stopwatch.GetTimestamp();
        var tick = Stopwatch.Frequency / 100;
        for (var k = 0; k < 10; k++)
        {
            pacer.Tick(start + (k * tick));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 10; k < 310; k++)
        {
            pacer.Tick(start + (k * tick));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (var session in sessions)
        {
            await session.DisposeAsync();
        }

        output.WriteLine($"{pacer.PacketsSent} packets, {allocated} bytes allocated over 300 ticks");
        Assert.Equal(0, allocated);
        Assert.Equal(0, pacer.Faults);
        Assert.Equal((310 / 2 * 10) + (310 / 3 * 10) + 10, pacer.PacketsSent);
    }

    [Fact]
    public async Task Load_200SessionsPlaying2sThroughOnePacer_FewLateSends()
    {
        await using var rig = new MediaRig();
        using var sink = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        sink.Client.ReceiveBufferSize = 4 * 1024 * 1024;
        var sinkEndPoint = (IPEndPoint)sink.Client.LocalEndPoint!;
        var sessions = new List<RtpMediaSession>();
        var finished = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clip = MediaRig.Tone(440, TimeSpan.FromSeconds(2));
        for (var i = 0; i < 200; i++)
        {
            sessions.Add(await rig.StartAsync(sinkEndPoint));
        }

        var sentBefore = rig.Pacer.PacketsSent;
        foreach (var session in sessions)
        {
            session.PlaybackFinished += _ =>
            {
                if (Interlocked.Increment(ref finished) == sessions.Count)
                {
                    allDone.TrySetResult();
                }
            };
            session.Play(clip);
        }

        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;

        var pacer = rig.Pacer;
        var sent = pacer.PacketsSent - sentBefore;
        output.WriteLine(
            $"200 sessions, 2 s prompts done in {elapsed.TotalSeconds:F2} s; {pacer.PacketsSent} packets sent, {pacer.LateSends} late (> 5 ms), "
            + $"lateness p50 {pacer.GetLatenessPercentile(50).TotalMilliseconds} ms, p99 {pacer.GetLatenessPercentile(99).TotalMilliseconds} ms, "
            + $"max {pacer.MaxLateness.TotalMilliseconds:F2} ms; stalls {pacer.Stalls}, faults {pacer.Faults}; test process CPU {cpu.TotalMilliseconds / elapsed.TotalMilliseconds:P0} of one core");
        Assert.True(sent >= 200 * 100, $"{sent} packets");
        Assert.Equal(0, pacer.Faults);
        Assert.InRange(elapsed.TotalSeconds, 1.9, 6);
        Assert.True(pacer.GetLatenessPercentile(50) <= TimeSpan.FromMilliseconds(10), "median lateness");
    }

    private sealed class RecordingSender(int target) : IPacedSender
    {
        private readonly Probe _probe = new();

        public List<long> Scheduled { get; } = [];

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnTick(MediaPacer pacer, long scheduled)
        {
            lock (Scheduled)
            {
                Scheduled.Add(scheduled);
                if (Scheduled.Count >= target)
                {
                    Done.TrySetResult();
                }
            }

            _probe.Pulse();
        }

        public Task WaitForAsync(int count) => _probe.WaitAsync(
            () =>
            {
                lock (Scheduled)
                {
                    return Scheduled.Count >= count;
                }
            },
            MediaRig.Timeout,
            $"{count} ticks");
    }

    private sealed class OrderSender(List<int>? order = null, int id = 0) : IPacedSender
    {
        public int Ticks { get; private set; }

        public void OnTick(MediaPacer pacer, long scheduled)
        {
            Ticks++;
            order?.Add(id);
        }
    }

    private sealed class ThrowingSender : IPacedSender
    {
        public void OnTick(MediaPacer pacer, long scheduled) => throw new InvalidOperationException("broken call");
    }
}
