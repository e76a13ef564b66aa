using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Media;
using Ivr.Engine.Speech;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Barge-in measured on the wire: sipp places the call to the real <c>ivr serve</c> process with its SDP pointing at a
/// socket of this test, which receives the engine's prompt as RTP and, in the middle of a spoken word of it, starts
/// sending the caller's "billing" as µ-law RTP. The prompt's stop is read from the packets the engine sends.
/// </summary>
[Collection(EndToEndCollection.Name)]
public class SippBargeInTests(ITestOutputHelper output)
{
    private const int Frame = 160;
    private const double LoudDbfs = -40;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SpeakingDuringThePrompt_StopsItsRtpWithin300Ms_AndTheFlowTakesTheSpokenBranch()
    {
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = SpeechTestAudio.TempFolder("bargein") });
        var utterance = FromFirstLoudFrame(await SpeechTestAudio.SpeakAsync(synthesizer, "billing", "en-us"));

        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:bargein=speech-bargein");
        var results = new List<(long At, string Line)>();
        engine.LineReceived += line =>
        {
            if (!line.Contains("Speech at menu:", StringComparison.Ordinal)) return;
            lock (results) results.Add((Stopwatch.GetTimestamp(), line));
        };

        using var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sipp = SippProcess.Start(SippProcess.FreeUdpPort(), engine.Target,
            "-sf", SippProcess.Scenario("uac_speak_bye.xml"), "-s", "bargein", "-m", "1",
            "-key", "rtp_port", ((IPEndPoint)rtp.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
        var sippExit = sipp.WaitAsync(Bound);

        using var stop = new CancellationTokenSource(Bound);
        var received = new List<(long At, bool Loud, bool Marker)>();
        var engineRtp = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiving = Task.Run(() => Receive(rtp, received, engineRtp, stop.Token));
        var to = await engineRtp.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // Three rounds: wait until the (re)started prompt has played a second and is in a word, then speak.
        var onsets = new List<long>();
        var speechEnds = new List<long>();
        var sender = new RtpSender(0);
        var packet = new byte[12 + Frame];
        var noise = new Random(7);
        var line = new short[Frame];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        async Task SendAsync(ReadOnlyMemory<short> pcm)
        {
            // 20 ms pace on this clock; the engine's jitter buffer absorbs the scheduler's few milliseconds.
            var due = TimeSpan.FromMilliseconds(20 * sent++);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, stop.Token);
            var n = sender.WriteAudio(packet, AudioCodec.Pcmu, pcm.Span);
            await rtp.SendToAsync(packet.AsMemory(0, n), SocketFlags.None, to, stop.Token);
        }

        Task SendLineNoiseAsync()
        {
            for (var i = 0; i < Frame; i++) line[i] = (short)noise.Next(-30, 31);
            return SendAsync(line);
        }

        for (var round = 0; round < 3; round++)
        {
            var since = round == 0 ? 0 : Count(results);
            var from = round == 0 ? 0 : results[round - 1].At;
            while (!PromptPlayingInAWord(received, from))
            {
                Assert.False(stop.IsCancellationRequested || sippExit.IsCompleted, "the prompt never played:\n" + engine.Log);
                await SendLineNoiseAsync();
            }

            for (var i = 0; i + Frame <= utterance.Length; i += Frame)
            {
                if (i == 0) onsets.Add(Stopwatch.GetTimestamp());
                await SendAsync(utterance.AsMemory(i, Frame));
                if (EnergyVoiceActivityDetector.EnergyDbfs(utterance.AsSpan(i, Frame)) > LoudDbfs)
                {
                    if (speechEnds.Count == round) speechEnds.Add(0);
                    speechEnds[round] = Stopwatch.GetTimestamp();
                }
            }

            while (Count(results) == since)
            {
                Assert.False(stop.IsCancellationRequested || sippExit.IsCompleted, "no speech result:\n" + engine.Log);
                await SendLineNoiseAsync();
            }
        }

        Assert.True(await sippExit == 0, "sipp failed:\n" + sipp.Output + "\nengine:\n" + engine.Log);
        await stop.CancelAsync();
        await receiving;

        var latencies = new List<double>();
        var answers = new List<double>();
        for (var round = 0; round < onsets.Count; round++)
        {
            var onset = onsets[round];
            var result = results[round];
            Assert.Contains("heard 'billing'", result.Line, StringComparison.Ordinal);
            // The prompt's last loud packet before the first quiet stretch of 500 ms: longer than any pause of the prompt
            // between words or sentences, so the prompt was stopped there. (The log line of the result is read late, after
            // the branch's own prompt may have begun, so the result's time does not bound this.)
            // The quiet stretch may also end with the next prompt's first packet (RTP marker bit): the branch's prompt
            // now starts about 170 ms after the caller stops, which after a short word can be under 500 ms of quiet.
            List<(long At, bool Loud, bool Marker)> after;
            lock (received) after = received.Where(r => r.At >= onset).ToList();
            // Counted to the first quiet packet after the prompt's last loud one (an upper bound: the prompt may have
            // been in a soft sound already).
            var lastLoud = onset;
            var firstQuiet = onset;
            var quiet = 0.0;
            foreach (var (at, loud, marker) in after)
            {
                if (marker && firstQuiet != 0)
                {
                    quiet = double.PositiveInfinity;
                    break;
                }

                if (loud)
                {
                    lastLoud = at;
                    firstQuiet = 0;
                    continue;
                }

                if (firstQuiet == 0) firstQuiet = at;
                quiet = Stopwatch.GetElapsedTime(lastLoud, at).TotalMilliseconds;
                if (quiet >= 500) break;
            }

            var latency = Stopwatch.GetElapsedTime(onset, firstQuiet).TotalMilliseconds;
            // The engine's answer on the wire: the first packet of the branch's prompt (RTP marker bit, RFC 3551 §4.1)
            // after the caller's last loud packet: end-pointing, recognition, the actor and the flow, and the next
            // 20 ms send slot.
            long answer;
            lock (received) answer = received.FirstOrDefault(r => r.Marker && r.At > speechEnds[round]).At;
            Assert.True(answer != 0, $"round {round + 1}: no prompt started after the caller spoke; engine:\n{engine.Log}");
            var answered = Stopwatch.GetElapsedTime(speechEnds[round], answer).TotalMilliseconds;
            answers.Add(answered);
            output.WriteLine($"round {round + 1}: prompt silent from {latency:F0} ms after the first speech packet; branch prompt's first packet {answered:F0} ms after the last loud speech packet");
            Assert.True(quiet >= 500, $"round {round + 1}: the prompt never stopped for 500 ms (or until the next prompt) after the caller spoke; engine:\n{engine.Log}");
            latencies.Add(latency);
        }

        output.WriteLine($"answer: branch prompt began {string.Join(", ", answers.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))} ms after the caller's last loud packet (complete-phrase silence {RecognitionOptions.Default.CompleteSilence.TotalMilliseconds:F0} ms)");
        // "billing" is a phrase no longer one continues: the engine must not wait for the full end silence.
        Assert.True(answers.Max() < RecognitionOptions.Default.EndSilence.TotalMilliseconds, $"the engine answered {answers.Max():F0} ms after the caller stopped: it waited for the end silence");
        var worst = latencies.Max();
        output.WriteLine($"barge-in: prompt stopped {string.Join(", ", latencies.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))} ms after the caller started speaking (worst {worst:F0} ms)");
        Assert.True(worst <= 300, $"the prompt went on {worst:F0} ms after the caller started speaking");
        Assert.Contains("Barge-in: the caller speaks during the prompt", engine.Log, StringComparison.Ordinal);
    }

    private static int Count(List<(long At, string Line)> results)
    {
        lock (results) return results.Count;
    }

    // At least a second of prompt received after `from`, and the last three packets loud: the prompt is mid-word.
    private static bool PromptPlayingInAWord(List<(long At, bool Loud, bool Marker)> received, long from)
    {
        lock (received)
        {
            var since = received.Count(r => r.At > from);
            return since >= 50 && received.Count >= 3 && received.TakeLast(3).All(r => r.Loud);
        }
    }

    private static async Task Receive(Socket rtp, List<(long At, bool Loud, bool Marker)> received, TaskCompletionSource<EndPoint> engine, CancellationToken stop)
    {
        var buffer = new byte[2048];
        var pcm = new short[Frame];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await rtp.ReceiveFromAsync(buffer, SocketFlags.None, any, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var at = Stopwatch.GetTimestamp();
            if (!RtpPacket.TryParse(buffer.AsSpan(0, r.ReceivedBytes), out var packet) || packet.PayloadType != 0) continue;
            engine.TrySetResult(r.RemoteEndPoint);
            var n = Math.Min(Frame, packet.Payload.Length);
            G711.Decode(AudioCodec.Pcmu, packet.Payload[..n], pcm);
            var loud = EnergyVoiceActivityDetector.EnergyDbfs(pcm.AsSpan(0, n)) > LoudDbfs;
            lock (received) received.Add((at, loud, packet.Marker));
        }
    }

    // The utterance from its first loud 20 ms frame, so the first packet sent is speech (the onset is exact).
    private static short[] FromFirstLoudFrame(short[] audio)
    {
        for (var i = 0; i + Frame <= audio.Length; i += Frame)
        {
            if (EnergyVoiceActivityDetector.EnergyDbfs(audio.AsSpan(i, Frame)) > LoudDbfs) return audio[i..];
        }

        throw new InvalidOperationException("the utterance has no loud frame");
    }
}
