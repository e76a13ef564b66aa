using Ivr.Engine.Cli;
using Ivr.Engine.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Calls;

/// <summary>The <c>dial</c> test caller over the in-process SIP and media seams, on a fake clock.</summary>
public class TestCallerTests
{
    private const string Answer = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=Ivr\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 10002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

    [Fact]
    public async Task Run_SendsTheDigitsOnSchedule_ReportsWhatItHears_ThenHangsUp()
    {
        var stack = new InProcessSipStack { AnswerSdp = Answer };
        var media = new InProcessMediaFactory { Configure = (m, _) => m.AudioOnStart = Enumerable.Repeat((short)8000, 160).ToArray() };
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var output = new StringWriter();
        var caller = new TestCaller(stack, media, output, time);
        var plan = new DialPlan(SipUri.Parse("sip:hotline@127.0.0.1:5060"), ['1', '2'], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), "+15555550100", null, TimeSpan.FromSeconds(30));

        var run = caller.RunAsync(plan, CancellationToken.None);
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Yield();
        }
        var exit = await run.WaitAsync(TimeSpan.FromSeconds(30));

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.StartsWith("→ INVITE sip:hotline@127.0.0.1:5060 from +15555550100", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("← 200 OK: Pcmu PT 0, ptime 20 ms, DTMF PT 101", lines[1], StringComparison.Ordinal);
        Assert.Equal(["→ DTMF 1", "→ DTMF 2", "→ BYE"], lines.Where(l => l.Contains('→', StringComparison.Ordinal)).Skip(1).Select(l => l[(l.IndexOf(']', StringComparison.Ordinal) + 2)..]));
        Assert.Contains("heard 1 packets (expected 50/s), audio at -12 dBFS", lines.First(l => l.Contains("heard", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("m=audio 10002 RTP/AVP 0 8 101", stack.OfferSent, StringComparison.Ordinal);
        Assert.Equal(1, stack.Hangups);
        Assert.True(media.Sessions[0].IsClosed);
    }
}
