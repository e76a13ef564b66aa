using System.Text;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipStreamFramerTests
{
    private static List<string> Drain(SipStreamFramer framer, List<SipFrameResult>? results = null)
    {
        var messages = new List<string>();
        while (true)
        {
            var r = framer.TryRead(out var msg, out _);
            results?.Add(r);
            if (r == SipFrameResult.Message) messages.Add(Encoding.UTF8.GetString(msg.Span));
            else if (r != SipFrameResult.KeepAlivePing) return messages;
        }
    }

    [Fact]
    public void TryRead_TwoMessagesInOneChunk_YieldsBoth()
    {
        using var framer = new SipStreamFramer();
        var a = SipTestMessages.Invite();
        var b = SipTestMessages.Options();
        framer.Append(SipTestMessages.Bytes(a + b));

        Assert.Equal([a, b], Drain(framer));
        Assert.Equal(0, framer.Buffered);
    }

    [Fact]
    public void TryRead_MessageSplitByteByByte_YieldsItOnce()
    {
        using var framer = new SipStreamFramer();
        var a = SipTestMessages.Invite();
        var found = new List<string>();
        foreach (var b in SipTestMessages.Bytes(a + a))
        {
            framer.Append([b]);
            found.AddRange(Drain(framer));
        }
        Assert.Equal([a, a], found);
    }

    [Fact]
    public void TryRead_SplitChunks_ParseToSameMessages()
    {
        using var framer = new SipStreamFramer();
        var all = SipTestMessages.Bytes(SipTestMessages.Invite() + SipTestMessages.Options() + SipTestMessages.Invite());
        var parsed = new List<SipMessage>();
        for (var i = 0; i < all.Length; i += 37)
        {
            framer.Append(all.AsSpan(i, Math.Min(37, all.Length - i)));
            while (framer.TryRead(out var m, out _) == SipFrameResult.Message)
            {
                Assert.True(SipParser.Default.TryParse(m.Span, requireContentLength: true, out var msg, out var e), e.ToString());
                parsed.Add(msg!);
            }
        }
        Assert.Equal(["INVITE", "OPTIONS", "INVITE"], parsed.Select(m => ((SipRequest)m).Method));
        Assert.Equal(SipTestMessages.Sdp.Length, parsed[2].Body.Length);
    }

    [Fact]
    public void TryRead_CrlfCrlfPing_IsReportedAndPongSkipped()
    {
        using var framer = new SipStreamFramer();
        var results = new List<SipFrameResult>();
        framer.Append(SipTestMessages.Bytes("\r\n\r\n" + SipTestMessages.Options() + "\r\n"));
        var messages = Drain(framer, results);

        Assert.Single(messages);
        Assert.Equal([SipFrameResult.KeepAlivePing, SipFrameResult.Message, SipFrameResult.NeedMoreData], results);
        framer.Append("\r\n"u8);
        Assert.Equal(SipFrameResult.KeepAlivePing, framer.TryRead(out _, out _));
    }

    [Fact]
    public void TryRead_MissingContentLength_FaultsTheStream()
    {
        using var framer = new SipStreamFramer();
        framer.Append(SipTestMessages.Bytes(SipTestMessages.Options().Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal)));
        Assert.Equal(SipFrameResult.Error, framer.TryRead(out _, out var error));
        Assert.Equal(SipParseErrorCode.MissingContentLength, error.Code);
        Assert.Equal(SipFrameResult.Error, framer.TryRead(out _, out _));
    }

    [Fact]
    public void TryRead_ConflictingContentLengths_FaultsTheStream()
    {
        using var framer = new SipStreamFramer();
        framer.Append(SipTestMessages.Bytes(SipTestMessages.Options("l: 5")));
        Assert.Equal(SipFrameResult.Error, framer.TryRead(out _, out var error));
        Assert.Equal(SipParseErrorCode.InvalidContentLength, error.Code);
    }

    [Fact]
    public void TryRead_HeadersNeverEnding_FaultsAtLimit()
    {
        using var framer = new SipStreamFramer(maxMessageSize: 1024);
        framer.Append(SipTestMessages.Bytes("OPTIONS sip:a@b SIP/2.0\r\n"));
        var filler = SipTestMessages.Bytes("X-Filler: " + new string('x', 100) + "\r\n");
        var result = SipFrameResult.NeedMoreData;
        for (var i = 0; i < 20 && result == SipFrameResult.NeedMoreData; i++)
        {
            framer.Append(filler);
            result = framer.TryRead(out _, out _);
        }
        Assert.Equal(SipFrameResult.Error, result);
    }

    [Fact]
    public void TryRead_BodyOverLimit_Faults()
    {
        using var framer = new SipStreamFramer(maxMessageSize: 1024);
        framer.Append(SipTestMessages.Bytes(SipTestMessages.Invite(contentLength: "100000")));
        Assert.Equal(SipFrameResult.Error, framer.TryRead(out _, out var error));
        Assert.Equal(SipParseErrorCode.MessageTooLarge, error.Code);
    }

    [Fact]
    public void TryRead_PartialBody_WaitsForRest()
    {
        using var framer = new SipStreamFramer();
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite());
        framer.Append(bytes.AsSpan(0, bytes.Length - 1));
        Assert.Equal(SipFrameResult.NeedMoreData, framer.TryRead(out _, out _));
        framer.Append(bytes.AsSpan(bytes.Length - 1));
        Assert.Equal(SipFrameResult.Message, framer.TryRead(out var m, out _));
        Assert.Equal(bytes, m.ToArray());
    }
}
