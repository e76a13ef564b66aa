using System.Net;
using System.Net.Sockets;
using System.Text;
using Ivr.Engine.Asterisk;
using Ivr.Engine.Calls.Legs;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Asterisk;

/// <summary>The FastAGI protocol as Asterisk speaks it: the environment, replies, usage errors and hang-up detection.</summary>
public sealed class AgiProtocolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void Parse_AsteriskEnvironment_GivesFlowCallerChannelAndId()
    {
        var environment = AgiEnvironment.Parse(
        [
            "agi_network: yes",
            "agi_network_script: hotline/sub?lang=fr",
            "agi_request: agi://127.0.0.1:4573/hotline/sub?lang=fr",
            "agi_channel: PJSIP/sipp-00000003",
            "agi_uniqueid: 1765140000.7",
            "agi_callerid: +33612345678",
            "agi_calleridname: unknown",
            "agi_extension: 100",
            "agi_context: from-test",
            "agi_arg_1: 10000",
            "agi_accountcode: ",
        ]);

        Assert.Equal("hotline", environment.FlowId);
        Assert.Equal("PJSIP/sipp-00000003", environment.Channel);
        Assert.Equal("1765140000.7", environment.UniqueId);
        Assert.Equal("+33612345678", environment.CallerId);
        Assert.Null(environment.CallerName);
        Assert.Equal("100", environment.Extension);
        Assert.Equal("10000", environment.Get("agi_arg_1"));
        Assert.Equal(string.Empty, environment.Get("agi_accountcode"));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1", "not 'agi_name: value'")]
    [InlineData("agi_channel PJSIP/x", "not 'agi_name: value'")]
    [InlineData("agi_ch@n: x", "bad name")]
    public void Parse_ALineThatIsNotAgi_IsAProtocolErrorNamingIt(string line, string expected)
    {
        var ex = Assert.Throws<AgiProtocolException>(() => AgiEnvironment.Parse(["agi_network_script: hotline", line]));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithoutTheScriptOrChannel_IsAProtocolError()
    {
        var ex = Assert.Throws<AgiProtocolException>(() => AgiEnvironment.Parse(["agi_channel: PJSIP/x", "agi_uniqueid: 1.1"]));

        Assert.Contains("agi_network_script", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("200 result=0", 200, "0", null, null)]
    [InlineData("200 result=49", 200, "49", null, '1')]
    [InlineData("200 result=35 endpos=12000", 200, "35", null, '#')]
    [InlineData("200 result=-1 endpos=0", 200, "-1", null, null)]
    [InlineData("200 result= (timeout)", 200, "", "timeout", null)]
    [InlineData("200 result=1 (billing)", 200, "1", "billing", null)]
    [InlineData("510 Invalid or unknown command", 510, "", null, null)]
    [InlineData("511 Command Not Permitted on a dead channel or intercept routine", 511, "", null, null)]
    public void Parse_StatusLines_GiveCodeResultDataAndKey(string line, int code, string result, string? data, char? digit)
    {
        var reply = AgiReply.Parse(line);

        Assert.Equal(code, reply.Code);
        Assert.Equal(result, reply.Result);
        Assert.Equal(data, reply.Data);
        Assert.Equal(digit, reply.Digit);
        Assert.Equal(code == 511, reply.IsDeadChannel);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK")]
    [InlineData("20 result=0")]
    [InlineData("200 ok")]
    [InlineData("")]
    public void Parse_Garbage_IsAProtocolError(string line) =>
        Assert.Throws<AgiProtocolException>(() => AgiReply.Parse(line));

    [Theory]
    [InlineData("200 result=-1 endpos=0", 0L)]
    [InlineData("200 result=-1 endpos=12000", 12000L)]
    [InlineData("200 result=35 endpos=480", 480L)]
    [InlineData("200 result=0", null)]
    public void Parse_Endpos_IsReadAsANumber(string line, long? endpos) =>
        Assert.Equal(endpos, AgiReply.Parse(line).EndPos);

    [Fact]
    public async Task SendAsync_UsageError520_IsReadToItsEnd_AndTheNextReplyIsTheNextCommands()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync("520-Invalid command syntax.  Proper usage follows:\nUsage: WAIT FOR DIGIT <timeout>\n   Waits up to timeout.\n520 End of proper usage.\n200 result=0\n");

        var usage = await pair.Agi.SendAsync("WAIT FOR DIGIT", CancellationToken.None).WaitAsync(Bound);
        var next = await pair.Agi.SendAsync("WAIT FOR DIGIT 100", CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(520, usage.Code);
        Assert.Equal(200, next.Code);
        Assert.Equal("WAIT FOR DIGIT\nWAIT FOR DIGIT 100\n", await pair.AsteriskReadsAsync(2));
    }

    [Fact]
    public async Task SendAsync_HangupNoticeThen511_MarksTheChannelHungUp()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync("HANGUP\n511 Command Not Permitted on a dead channel or intercept routine\n");

        var reply = await pair.Agi.SendAsync("STREAM FILE x \"0123456789*#\"", CancellationToken.None).WaitAsync(Bound);

        Assert.True(reply.IsDeadChannel);
        Assert.True(pair.Agi.HungUp);
    }

    [Fact]
    public async Task SendAsync_AnEndlessHangupStream_IsAProtocolErrorAtTheSecondNotice()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync(string.Concat(Enumerable.Repeat("HANGUP\n", 1000)));

        var ex = await Assert.ThrowsAsync<AgiProtocolException>(() => pair.Agi.SendAsync("WAIT FOR DIGIT 200", CancellationToken.None).WaitAsync(Bound));

        Assert.Contains("HANGUP", ex.Message, StringComparison.Ordinal);
        Assert.True(pair.Agi.HungUp);
    }

    [Fact]
    public async Task SendAsync_PeerClosesMidLine_IsABrokenConnection_NotAHangup()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync("200 res");
        pair.AsteriskCloses();

        var ex = await Assert.ThrowsAnyAsync<IOException>(() => pair.Agi.SendAsync("ANSWER", CancellationToken.None).WaitAsync(Bound));
        Assert.IsNotType<EndOfStreamException>(ex);
    }

    [Fact]
    public async Task SendAsync_PeerClosesBetweenReplies_IsEndOfStream_AHangup()
    {
        await using var pair = await SocketPair.OpenAsync();
        pair.AsteriskCloses();

        await Assert.ThrowsAsync<EndOfStreamException>(() => pair.Agi.SendAsync("ANSWER", CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task ReadEnvironmentAsync_ALineOverTheLimit_IsAProtocolError()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync("agi_network_script: " + new string('x', AgiLineReader.MaxLineLength + 10) + "\n");

        await Assert.ThrowsAsync<AgiProtocolException>(() => pair.Agi.ReadEnvironmentAsync(CancellationToken.None).WaitAsync(Bound));
    }

    [Theory]
    [InlineData("department", "IVR_DEPARTMENT")]
    [InlineData("queue.position", "IVR_QUEUE_POSITION")]
    [InlineData("caller-name", "IVR_CALLER_NAME")]
    public void ChannelVariable_IsPrefixedInCapitals(string name, string expected) =>
        Assert.Equal(expected, AgiLeg.ChannelVariable(name));

    [Fact]
    public void Quote_EscapesQuotesAndBackslashes_AndDropsLineBreaks() =>
        Assert.Equal("\"say \\\"hi\\\" \\\\ bye\"", AgiLeg.Quote("say \"hi\" \\ bye\n"));

    [Theory]
    [InlineData("Bob\0HANGUP")]
    [InlineData("Bob\nHANGUP")]
    [InlineData("Bob\r\nEXEC Dial PJSIP/evil")]
    public void Quote_ControlCharacters_AreDropped_SoNoSecondCommandFollows(string value)
    {
        var quoted = AgiLeg.Quote(value);

        Assert.DoesNotContain(quoted, c => c < 0x20);
        Assert.StartsWith("\"Bob", quoted, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_A3KbValue_IsCutOnACharacterBoundaryUnderTheCap()
    {
        var value = string.Concat(Enumerable.Repeat("é\"€", 1024)); // 2 + 2 (escaped) + 3 bytes each, 7 KB

        var quoted = AgiLeg.Quote(value);

        var inside = Encoding.UTF8.GetByteCount(quoted) - 2;
        Assert.InRange(inside, AgiLeg.MaxValueBytes - 7, AgiLeg.MaxValueBytes);
        Assert.DoesNotContain('\uFFFD', quoted);
        Assert.EndsWith("€\"", quoted, StringComparison.Ordinal); // whole characters only, and the escape kept with its quote
    }

    [Theory]
    [InlineData("SET VARIABLE X \"a\0b\"")]
    [InlineData("SET VARIABLE X \"a\nHANGUP\"")]
    public async Task SendAsync_ACommandWithAControlCharacter_IsRefused_AndNothingIsWritten(string command)
    {
        await using var pair = await SocketPair.OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => pair.Agi.SendAsync(command, CancellationToken.None).WaitAsync(Bound));
        await pair.AsteriskSendsAsync("200 result=0\n");
        var next = await pair.Agi.SendAsync("ANSWER", CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(200, next.Code);
        Assert.Equal("ANSWER\n", await pair.AsteriskReadsAsync(1));
    }

    [Fact]
    public async Task SendAsync_ACommandOver1Kb_IsRefused_AndNothingIsWritten()
    {
        await using var pair = await SocketPair.OpenAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => pair.Agi.SendAsync("SET VARIABLE X \"" + new string('a', 3000) + "\"", CancellationToken.None).WaitAsync(Bound));
        await pair.AsteriskSendsAsync("200 result=0\n");
        await pair.Agi.SendAsync("ANSWER", CancellationToken.None).WaitAsync(Bound);

        Assert.Contains("1024", ex.Message, StringComparison.Ordinal);
        Assert.Equal("ANSWER\n", await pair.AsteriskReadsAsync(1));
    }

    [Fact]
    public async Task FlowEnd_ExportsOnlyTheFlowsVariables_AHostileCallerNameCannotInjectACommand()
    {
        await using var pair = await SocketPair.OpenAsync();
        var sounds = Directory.CreateTempSubdirectory("ivr-agi-");
        try
        {
            using var metrics = new AgiMetrics();
            var session = new AgiSession(pair.Agi, AgiEnvironment.Parse(["agi_network_script: x", "agi_channel: PJSIP/t-1", "agi_uniqueid: 1.1"]), null);
            var leg = new AgiLeg(session, new AgiSoundFiles(sounds.FullName), metrics, TimeSpan.FromMilliseconds(200));
            var evil = new string('A', 3000) + "\nEXEC Dial PJSIP/evil\0";
            leg.FlowEnded(new Ivr.Flows.Runtime.FlowOutcome("done", "bye"), new Dictionary<string, string>
            {
                ["caller.name"] = evil,
                ["call.id"] = "agi-1.1",
                ["department"] = "sales\nHANGUP " + evil,
            });

            var hangup = leg.HangupAsync(CancellationToken.None);
            await pair.AsteriskSendsAsync("200 result=1\n200 result=1\n200 result=1\n");
            var lines = (await pair.AsteriskReadsAsync(10)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await hangup.WaitAsync(Bound);

            Assert.Equal(["SET VARIABLE IVR_OUTCOME \"done\"", "SET VARIABLE IVR_STEP \"bye\""], lines[..2]);
            Assert.StartsWith("SET VARIABLE IVR_DEPARTMENT \"salesHANGUP AAA", lines[2], StringComparison.Ordinal);
            Assert.InRange(Encoding.UTF8.GetByteCount(lines[2]), 500, AgiConnection.MaxCommandBytes);
            Assert.Equal(3, lines.Length); // read to the close: nothing else was sent
        }
        finally
        {
            sounds.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SendAsync_APeerThatNeverAnswers_TimesOutAfterTheReplyTimeout()
    {
        var time = new FakeTimeProvider();
        await using var pair = await SocketPair.OpenAsync(time);

        var answer = pair.Agi.SendAsync("ANSWER", CancellationToken.None);
        Assert.Equal("ANSWER\n", await pair.AsteriskReadsAsync(1));
        time.Advance(AgiConnection.DefaultReplyTimeout - TimeSpan.FromSeconds(1));
        Assert.False(answer.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => answer.WaitAsync(Bound));
        Assert.Contains("ANSWER", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ACommandThatLasts_GetsItsLengthPlusTheReplyTimeout()
    {
        var time = new FakeTimeProvider();
        await using var pair = await SocketPair.OpenAsync(time);

        var play = pair.Agi.SendAsync("STREAM FILE x \"#\"", TimeSpan.FromSeconds(30), CancellationToken.None);
        await pair.AsteriskReadsAsync(1);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(play.IsCompleted);
        await pair.AsteriskSendsAsync("200 result=0 endpos=240000\n");

        Assert.Equal(200, (await play.WaitAsync(Bound)).Code);
    }

    [Fact]
    public async Task Leg_APeerSilentAfterTheEnvironment_EndsTheCallAsLost_AndCountsATimeout()
    {
        var time = new FakeTimeProvider();
        await using var pair = await SocketPair.OpenAsync(time);
        var sounds = Directory.CreateTempSubdirectory("ivr-agi-");
        try
        {
            using var metrics = new AgiMetrics();
            var session = new AgiSession(pair.Agi, AgiEnvironment.Parse(["agi_network_script: x", "agi_channel: PJSIP/t-1", "agi_uniqueid: 1.1"]), null);
            var leg = new AgiLeg(session, new AgiSoundFiles(sounds.FullName), metrics, TimeSpan.FromMilliseconds(200));
            var listener = new HangupListener();
            leg.Attach(listener);

            var answered = leg.AnswerAsync(string.Empty, CancellationToken.None);
            Assert.Equal("ANSWER\n", await pair.AsteriskReadsAsync(1));
            time.Advance(AgiConnection.DefaultReplyTimeout + TimeSpan.FromSeconds(1));

            Assert.False(await answered.WaitAsync(Bound));
            await listener.HungUp.Task.WaitAsync(Bound);
            await leg.Stopped.WaitAsync(Bound);
            Assert.Equal(1, metrics.Errors.Get("timeout"));
        }
        finally
        {
            sounds.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Leg_ARefusedChannelWhosePeerNeverAnswers_IsClosedByTheDeadline()
    {
        var time = new FakeTimeProvider();
        await using var pair = await SocketPair.OpenAsync(time);
        var sounds = Directory.CreateTempSubdirectory("ivr-agi-");
        try
        {
            using var metrics = new AgiMetrics();
            var session = new AgiSession(pair.Agi, AgiEnvironment.Parse(["agi_network_script: x", "agi_channel: PJSIP/t-1", "agi_uniqueid: 1.1"]), null);
            var leg = new AgiLeg(session, new AgiSoundFiles(sounds.FullName), metrics, TimeSpan.FromMilliseconds(200));

            leg.Reject(503);
            Assert.StartsWith("SET VARIABLE IVR_RESULT", await pair.AsteriskReadsAsync(1), StringComparison.Ordinal);
            time.Advance(AgiLeg.RejectDeadline);

            await leg.Stopped.WaitAsync(Bound);
            Assert.Equal(string.Empty, await pair.AsteriskReadsAsync(1)); // closed: read to the end, nothing more
        }
        finally
        {
            sounds.Delete(recursive: true);
        }
    }

    // The call's side of a leg: only the hang-up matters here.
    private sealed class HangupListener : ILegListener
    {
        public TaskCompletionSource HungUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void DigitReceived(char digit)
        {
        }

        public void PlaybackFinished(int play)
        {
        }

        void ILegListener.HungUp() => HungUp.TrySetResult();

        public void Cancelled()
        {
        }
    }

    [Fact]
    public void SoundFiles_AFileDeletedAfterItsFirstUse_IsWrittenAgain()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-agi-");
        try
        {
            var sounds = new AgiSoundFiles(folder.FullName);
            var clip = new Ivr.Engine.Media.AudioClip(Enumerable.Range(0, 800).Select(i => (short)(i * 37)).ToArray());
            var path = sounds.PathOf(clip);
            File.Delete(path + ".sln");

            Assert.Equal(path, sounds.PathOf(clip));
            Assert.Equal(1600, new FileInfo(path + ".sln").Length);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // A real loopback TCP connection: the engine's side speaks through AgiConnection, the test plays Asterisk.
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly TcpClient _asterisk;
        private readonly TcpClient _engine;

        private SocketPair(TcpClient asterisk, TcpClient engine, TimeProvider? time)
        {
            _asterisk = asterisk;
            _engine = engine;
            Agi = new AgiConnection(engine.GetStream(), time);
        }

        public AgiConnection Agi { get; }

        public static async Task<SocketPair> OpenAsync(TimeProvider? time = null)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var asterisk = new TcpClient();
                var accepting = listener.AcceptTcpClientAsync();
                await asterisk.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
                return new SocketPair(asterisk, await accepting.WaitAsync(Bound), time);
            }
            finally
            {
                listener.Stop();
            }
        }

        public Task AsteriskSendsAsync(string text) => _asterisk.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

        public async Task<string> AsteriskReadsAsync(int lines)
        {
            var text = new StringBuilder();
            var buffer = new byte[1];
            using var cts = new CancellationTokenSource(Bound);
            while (text.ToString().Count(c => c == '\n') < lines)
            {
                if (await _asterisk.GetStream().ReadAsync(buffer, cts.Token) == 0) break;
                text.Append((char)buffer[0]);
            }
            return text.ToString();
        }

        public void AsteriskCloses() => _asterisk.Client.Shutdown(SocketShutdown.Send);

        public async ValueTask DisposeAsync()
        {
            await Agi.DisposeAsync();
            _engine.Dispose();
            _asterisk.Dispose();
        }
    }
}
