using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The whole call path with a SIP peer nobody here wrote: sipp calls the real <c>ivr serve</c> process over 127.0.0.1.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SippCallTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SippDtmf_MovesTheFlowToItsBranch_AndTheEngineHangsUpWithBye()
    {
        await using var engine = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=dtmf-branch");
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_dtmf_wait_bye.xml"), "-s", "hotline", "-m", "1");

        var exit = await sipp.WaitAsync(Bound);

        Assert.True(exit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        var ended = await engine.WaitForLogAsync(" ended: ", Bound);
        Assert.Contains("ended: hangup:billing", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_ArrivesAtTwentyMillisecondPace_AndStopsWhenTheCallerHangsUp()
    {
        await using var engine = await EngineProcess.StartAsync("--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=dtmf-branch");
        using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var rtpPort = ((IPEndPoint)rtp.LocalEndPoint!).Port;
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_listen_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", rtpPort.ToString(CultureInfo.InvariantCulture));

        // Collect the engine's RTP while sipp listens; the caller's BYE comes after 3 s. Arrivals are stamped on a
        // dedicated thread blocked in Receive: an async loop on the thread pool was once starved by the suite's other
        // tests and stamped queued packets together (a median gap of 0.002 ms), measuring the test, not the engine.
        var arrivals = new List<long>();
        var payloadTypes = new HashSet<int>();
        var payloadSizes = new HashSet<int>();
        var sippExit = sipp.WaitAsync(Bound);
        rtp.ReceiveTimeout = 500;
        var receiver = new Thread(() =>
        {
            var buffer = new byte[2048];
            while (!sippExit.IsCompleted)
            {
                try
                {
                    var n = rtp.Receive(buffer);
                    var at = Stopwatch.GetTimestamp();
                    if (!RtpPacket.TryParse(buffer.AsSpan(0, n), out var packet)) continue;
                    arrivals.Add(at);
                    payloadTypes.Add(packet.PayloadType);
                    payloadSizes.Add(packet.Payload.Length);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                {
                }
            }
        })
        { IsBackground = true, Priority = ThreadPriority.Highest, Name = "rtp-arrivals" };
        receiver.Start();
        Assert.True(await sippExit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        Assert.True(receiver.Join(TimeSpan.FromSeconds(5)), "the receiving thread did not stop");
        await engine.WaitForLogAsync("ended: caller-hangup", Bound);

        Assert.True(arrivals.Count >= 100, $"only {arrivals.Count} RTP packets in 3 s");
        Assert.Equal([0], payloadTypes);
        Assert.Equal([160], payloadSizes);
        var gaps = arrivals.Zip(arrivals.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).Order().ToList();
        var median = gaps[gaps.Count / 2];
        Assert.InRange(median, 18.0, 22.0);

        // After the caller's BYE the media stops: nothing more arrives within a second.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var buffer = new byte[2048];
        var late = 0;
        try
        {
            while (true)
            {
                await rtp.ReceiveAsync(buffer, SocketFlags.None, quiet.Token);
                late++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        Assert.True(late <= 2, $"{late} RTP packets arrived more than a second after the call ended");
    }

    [Fact]
    public async Task TwoHundredCalls_AtTwentyPerSecond_WithMedia_AllSucceed_AndEveryCallActorEnds()
    {
        await using var engine = await EngineProcess.StartAsync();
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sn", "uac", "-s", "hotline", "-m", "200", "-r", "20", "-d", "2000", "-rtp_echo");

        var exit = await sipp.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == 0, "sipp reported failed calls:\n" + sipp.Output);
        var deadline = Stopwatch.StartNew();
        int ended;
        do
        {
            ended = engine.Log.Split('\n').Count(l => l.Contains(" ended: caller-hangup", StringComparison.Ordinal));
            if (ended >= 200) break;
            await engine.WaitForLogAsync("ended:", TimeSpan.FromSeconds(5));
        }
        while (deadline.Elapsed < Bound);
        Assert.Equal(200, ended);
    }
}
