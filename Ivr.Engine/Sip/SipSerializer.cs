using System.Buffers;
using System.Globalization;
using System.Text;

namespace Ivr.Engine.Sip;

/// <summary>
/// Canonical SIP output (RFC 3261 §7): start line, one header field per line with its full name, CRLF line ends,
/// Content-Length always written and always equal to the body length (RFC 3261 §20.14, §18.3).
/// </summary>
public static class SipSerializer
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> ColonSp => ": "u8;

    /// <summary>Serializes to a new array of exactly the message's size.</summary>
    public static byte[] Serialize(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var size = GetByteCount(message);
        var bytes = new byte[size];
        var written = Write(message, bytes);
        return written == size ? bytes : bytes[..written];
    }

    /// <summary>Serializes into a buffer writer (e.g. a pooled socket buffer).</summary>
    public static void Serialize(SipMessage message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        var size = GetByteCount(message);
        var span = writer.GetSpan(size);
        writer.Advance(Write(message, span));
    }

    /// <summary>The exact number of bytes <see cref="Serialize(SipMessage)"/> produces.</summary>
    public static int GetByteCount(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var n = Encoding.UTF8.GetByteCount(message.StartLine) + 2;
        foreach (var h in message.Headers)
        {
            if (h.Name == SipHeaderNames.ContentLength) continue;
            n += Encoding.UTF8.GetByteCount(h.Name) + 2 + Encoding.UTF8.GetByteCount(h.Value) + 2;
        }
        n += SipHeaderNames.ContentLength.Length + 2 + Digits(message.Body.Length) + 2 + 2;
        return n + message.Body.Length;
    }

    private static int Digits(int n) => n == 0 ? 1 : (int)Math.Floor(Math.Log10(n)) + 1;

    private static int Write(SipMessage message, Span<byte> dest)
    {
        var pos = Encoding.UTF8.GetBytes(message.StartLine, dest);
        pos += Put(Crlf, dest[pos..]);
        foreach (var h in message.Headers)
        {
            // Content-Length is recomputed from the body so that it can never lie.
            if (h.Name == SipHeaderNames.ContentLength) continue;
            pos += Encoding.UTF8.GetBytes(h.Name, dest[pos..]);
            pos += Put(ColonSp, dest[pos..]);
            pos += Encoding.UTF8.GetBytes(h.Value, dest[pos..]);
            pos += Put(Crlf, dest[pos..]);
        }
        pos += Encoding.UTF8.GetBytes(SipHeaderNames.ContentLength, dest[pos..]);
        pos += Put(ColonSp, dest[pos..]);
        message.Body.Length.TryFormat(dest[pos..], out var w, default, CultureInfo.InvariantCulture);
        pos += w;
        pos += Put(Crlf, dest[pos..]);
        pos += Put(Crlf, dest[pos..]);
        message.Body.Span.CopyTo(dest[pos..]);
        return pos + message.Body.Length;
    }

    private static int Put(ReadOnlySpan<byte> src, Span<byte> dest)
    {
        src.CopyTo(dest);
        return src.Length;
    }
}
