using FsCheck.Xunit;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip;

public class SipParserPropertyTests
{
    private static readonly string[] Names = Rfc4475.Table.Keys.Order(StringComparer.Ordinal).ToArray();

    private static void ParseAll(ReadOnlySpan<byte> data)
    {
        // Internal faults are reported as SipParseErrorCode.Internal; the property is that none ever happens.
        var ok = SipParser.Default.TryParse(data, out var msg, out var error);
        Assert.NotEqual(SipParseErrorCode.Internal, error.Code);
        if (ok)
        {
            _ = msg!.Via;
            _ = msg.From;
            _ = msg.To;
            _ = msg.Contact;
            _ = msg.Route;
            _ = msg.ToBytes();
            if (msg is SipRequest req) _ = new SipRequestValidator().Validate(req);
        }
        else if (error.CanRespond)
        {
            _ = SipResponse.CreateFor((SipRequest)msg!, error.StatusCode).ToBytes();
        }
    }

    [Property(MaxTest = 1000)]
    public void TryParse_ArbitraryBytes_NeverThrows(byte[] data)
    {
        ParseAll(data ?? []);
    }

    [Property(MaxTest = 1000)]
    public void TryParse_ArbitraryTextAfterStartLine_NeverThrows(string tail)
    {
        ParseAll(SipTestMessages.Bytes("INVITE sip:a@b.example.com SIP/2.0\r\n" + tail + "\r\n\r\n"));
    }

    [Property(MaxTest = 2000)]
    public void TryParse_MutatedTortureMessage_NeverThrows(int file, int[] positions, byte[] values, bool truncate)
    {
        var bytes = Rfc4475.Load(Names[(int)((uint)file % (uint)Names.Length)]).ToList();
        positions ??= [];
        values ??= [];
        for (var i = 0; i < positions.Length && bytes.Count > 0; i++)
        {
            var at = (int)((uint)positions[i] % (uint)bytes.Count);
            var v = values.Length > 0 ? values[i % values.Length] : (byte)0;
            switch (i % 3)
            {
                case 0: bytes[at] = v; break;
                case 1: bytes.Insert(at, v); break;
                default: bytes.RemoveAt(at); break;
            }
        }
        if (truncate && positions.Length > 0 && bytes.Count > 0) bytes.RemoveRange((int)((uint)positions[0] % (uint)bytes.Count), bytes.Count - (int)((uint)positions[0] % (uint)bytes.Count));
        ParseAll(bytes.ToArray());
    }

    [Property(MaxTest = 300)]
    public void Framer_ArbitraryChunking_YieldsTheSameMessages(int[] cuts)
    {
        var a = SipTestMessages.Invite();
        var b = SipTestMessages.Options();
        var all = SipTestMessages.Bytes("\r\n\r\n" + a + b + "\r\n" + a);
        using var framer = new SipStreamFramer();
        var found = new List<string>();
        var pos = 0;
        foreach (var c in (cuts ?? []).Append(all.Length))
        {
            var n = Math.Min(all.Length - pos, (int)((uint)c % 200));
            framer.Append(all.AsSpan(pos, n));
            pos += n;
            SipFrameResult r;
            while ((r = framer.TryRead(out var m, out _)) is SipFrameResult.Message or SipFrameResult.KeepAlivePing)
            {
                if (r == SipFrameResult.Message) found.Add(System.Text.Encoding.UTF8.GetString(m.Span));
            }
            Assert.NotEqual(SipFrameResult.Error, r);
        }
        framer.Append(all.AsSpan(pos));
        while (framer.TryRead(out var m, out _) is var r2 && r2 is SipFrameResult.Message or SipFrameResult.KeepAlivePing)
        {
            if (r2 == SipFrameResult.Message) found.Add(System.Text.Encoding.UTF8.GetString(m.Span));
        }
        Assert.Equal([a, b, a], found);
    }

    [Property(MaxTest = 500)]
    public void Framer_ArbitraryBytes_NeverThrows(byte[][] chunks)
    {
        using var framer = new SipStreamFramer(4096);
        foreach (var chunk in chunks ?? [])
        {
            if (!framer.Append(chunk ?? [])) return;
            while (framer.TryRead(out var m, out _) is SipFrameResult.Message or SipFrameResult.KeepAlivePing)
            {
                ParseAll(m.Span);
            }
        }
    }

    private static readonly byte[] Delimiters = "\";,\"<>%:@[]?&= \t\r\n\0\\/"u8.ToArray();

    [Property(MaxTest = 3000)]
    public void TryParse_DelimiterInsertedIntoTortureMessage_NeverThrows(int file, int[] positions, int[] delimiters)
    {
        var bytes = Rfc4475.Load(Names[(int)((uint)file % (uint)Names.Length)]).ToList();
        positions ??= [];
        delimiters ??= [];
        for (var i = 0; i < positions.Length; i++)
        {
            var at = (int)((uint)positions[i] % (uint)bytes.Count);
            var d = Delimiters[(int)((uint)(delimiters.Length > 0 ? delimiters[i % delimiters.Length] : i) % (uint)Delimiters.Length)];
            if (i % 2 == 0) bytes.Insert(at, d);
            else bytes[at] = d;
        }
        ParseAll(bytes.ToArray());
    }
}

