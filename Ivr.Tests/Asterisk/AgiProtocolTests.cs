using System.Net;
using System.Net.Sockets;
using System.Text;
using Ivr.Engine.Asterisk;
using Ivr.Engine.Calls.Legs;

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
    public async Task SendAsync_PeerClosesMidCommand_IsEndOfStream()
    {
        await using var pair = await SocketPair.OpenAsync();
        await pair.AsteriskSendsAsync("200 res");
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
    public void Quote_EscapesQuotesAndBackslashes_AndFlattensLineBreaks() =>
        Assert.Equal("\"say \\\"hi\\\" \\\\ bye \"", AgiLeg.Quote("say \"hi\" \\ bye\n"));

    // A real loopback TCP connection: the engine's side speaks through AgiConnection, the test plays Asterisk.
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly TcpClient _asterisk;
        private readonly TcpClient _engine;

        private SocketPair(TcpClient asterisk, TcpClient engine)
        {
            _asterisk = asterisk;
            _engine = engine;
            Agi = new AgiConnection(engine.GetStream());
        }

        public AgiConnection Agi { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                var asterisk = new TcpClient();
                var accepting = listener.AcceptTcpClientAsync();
                await asterisk.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
                return new SocketPair(asterisk, await accepting.WaitAsync(Bound));
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
