using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Sip.Stack;

/// <summary>Records what transactions send; time is a FakeTimeProvider advanced in 100 ms steps.</summary>
internal sealed class FakeTransactionHost : ISipTransactionHost
{
    public static readonly SipEndPoint UdpPeer = new(SipProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 5070));
    public static readonly SipEndPoint TcpPeer = new(SipProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 5070));

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public TimeProvider Time => Clock;

    public SipTimerSettings Timers { get; } = new();

    public List<(SipMessage Message, bool Retransmission, TimeSpan At)> Sent { get; } = [];

    public int Retransmissions => Sent.Count(s => s.Retransmission);

    private readonly DateTimeOffset _start;

    public FakeTransactionHost() => _start = Clock.GetUtcNow();

    public void Send(byte[] message, SipEndPoint remote, bool isRetransmission)
    {
        Assert.True(SipParser.Default.TryParse(message, out var parsed, out _));
        Sent.Add((parsed!, isRetransmission, Clock.GetUtcNow() - _start));
    }

    public void ResponseSent(int statusCode)
    {
    }

    public void TimerFailed(Exception exception) => throw new InvalidOperationException("timer callback failed", exception);

    /// <summary>Advances in 100 ms steps so rescheduled timers fire at their exact times.</summary>
    public void Advance(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += TimeSpan.FromMilliseconds(100)) Clock.Advance(TimeSpan.FromMilliseconds(100));
    }

    public static SipRequest Request(string method, string branch = "z9hG4bKtest1", string? toTag = null)
    {
        var text = $"{method} sip:hotline@127.0.0.1 SIP/2.0\r\n" +
                   $"Via: SIP/2.0/UDP 127.0.0.1:5070;branch={branch}\r\n" +
                   "Max-Forwards: 70\r\n" +
                   "From: <sip:caller@127.0.0.1>;tag=abc\r\n" +
                   "To: <sip:hotline@127.0.0.1>" + (toTag is null ? "" : ";tag=" + toTag) + "\r\n" +
                   "Call-ID: call-1@test\r\n" +
                   $"CSeq: 1 {method}\r\n" +
                   "Content-Length: 0\r\n\r\n";
        Assert.True(SipParser.Default.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out var msg, out var error), error.Detail);
        return (SipRequest)msg!;
    }
}
