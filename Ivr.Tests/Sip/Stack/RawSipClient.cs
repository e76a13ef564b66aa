using System.Net;
using System.Net.Sockets;
using System.Text;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip.Stack;

/// <summary>A bare UDP or TCP peer on 127.0.0.1 that sends text and reads parsed messages with bounded waits.</summary>
internal sealed class RawSipClient : IDisposable
{
    private readonly Socket _socket;
    private readonly SipStreamFramer? _framer;
    private readonly byte[] _buffer = new byte[65536];
    private readonly Queue<byte[]> _pending = new();

    private RawSipClient(Socket socket, bool tcp)
    {
        _socket = socket;
        if (tcp) _framer = new SipStreamFramer();
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public IPEndPoint? Server { get; private init; }

    /// <summary>A UDP peer sending from <paramref name="local"/> (another loopback address, like 127.0.0.7, is another source; default 127.0.0.1).</summary>
    public static RawSipClient Udp(IPEndPoint server, IPAddress? local = null)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(local ?? IPAddress.Loopback, 0));
        return new RawSipClient(s, false) { Server = server };
    }

    public static async Task<RawSipClient> TcpAsync(IPEndPoint server)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await s.ConnectAsync(server, cts.Token);
        return new RawSipClient(s, true) { Server = server };
    }

    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public void Send(byte[] bytes)
    {
        if (_framer is null) _socket.SendTo(bytes, Server!);
        else _socket.Send(bytes);
    }

    /// <summary>Next message (raw bytes), or null at end of stream or after <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> ReceiveRawAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                if (_pending.Count > 0) return _pending.Dequeue();
                var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token);
                if (_framer is null) return _buffer.AsSpan(0, n).ToArray();
                if (n == 0) return null;
                _framer.Append(_buffer.AsSpan(0, n));
                while (_framer.TryRead(out var msg, out _) is var r && r != SipFrameResult.NeedMoreData && r != SipFrameResult.Error)
                {
                    if (r == SipFrameResult.Message) _pending.Enqueue(msg.ToArray());
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public async Task<SipMessage?> ReceiveAsync(TimeSpan? timeout = null)
    {
        var raw = await ReceiveRawAsync(timeout);
        if (raw is null) return null;
        Assert.True(SipParser.Default.TryParse(raw, out var msg, out var error), error.Detail);
        return msg;
    }

    public async Task<SipResponse> ExpectResponseAsync(int status)
    {
        var msg = await ReceiveAsync();
        var response = Assert.IsType<SipResponse>(msg);
        Assert.Equal(status, response.StatusCode);
        return response;
    }

    public string Invite(string callId, string branch, string fromTag = "c1", int cseq = 1)
    {
        const string sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        return $"INVITE sip:hotline@{Server} SIP/2.0\r\n" +
               $"Via: SIP/2.0/{Transport} 127.0.0.1:{Port};branch={branch}\r\n" +
               "Max-Forwards: 70\r\n" +
               $"From: <sip:caller@127.0.0.1:{Port}>;tag={fromTag}\r\n" +
               $"To: <sip:hotline@{Server}>\r\n" +
               $"Call-ID: {callId}\r\n" +
               $"CSeq: {cseq} INVITE\r\n" +
               $"Contact: <sip:caller@127.0.0.1:{Port}>\r\n" +
               "Content-Type: application/sdp\r\n" +
               $"Content-Length: {sdp.Length}\r\n\r\n" + sdp;
    }

    public string Ack(string callId, string branch, string toTag, string fromTag = "c1", int cseq = 1) =>
        $"ACK sip:hotline@{Server} SIP/2.0\r\n" +
        $"Via: SIP/2.0/{Transport} 127.0.0.1:{Port};branch={branch}\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:caller@127.0.0.1:{Port}>;tag={fromTag}\r\n" +
        $"To: <sip:hotline@{Server}>;tag={toTag}\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} ACK\r\n" +
        "Content-Length: 0\r\n\r\n";

    public string Options(string callId, string branch) =>
        $"OPTIONS sip:hotline@{Server} SIP/2.0\r\n" +
        $"Via: SIP/2.0/{Transport} 127.0.0.1:{Port};branch={branch}\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:caller@127.0.0.1:{Port}>;tag=o1\r\n" +
        $"To: <sip:hotline@{Server}>\r\n" +
        $"Call-ID: {callId}\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Content-Length: 0\r\n\r\n";

    public string InDialog(string method, string callId, string branch, string toTag, int cseq, string fromTag = "c1") =>
        $"{method} sip:hotline@{Server} SIP/2.0\r\n" +
        $"Via: SIP/2.0/{Transport} 127.0.0.1:{Port};branch={branch}\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:caller@127.0.0.1:{Port}>;tag={fromTag}\r\n" +
        $"To: <sip:hotline@{Server}>;tag={toTag}\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} {method}\r\n" +
        "Content-Length: 0\r\n\r\n";

    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    private string Transport => _framer is null ? "UDP" : "TCP";

    public void Dispose()
    {
        _socket.Dispose();
        _framer?.Dispose();
    }
}
