using System.Buffers;
using System.Globalization;

namespace Ivr.Engine.Sip;

/// <summary>
/// Splits a TCP/TLS byte stream into SIP messages using Content-Length, which is mandatory on stream transports
/// (RFC 3261 §18.3), and consumes CRLF keep-alives between messages (RFC 5626 §4.4.1). One instance per
/// connection; not thread-safe. Buffers come from <see cref="ArrayPool{T}"/>; dispose to return them.
/// </summary>
public sealed class SipStreamFramer : IDisposable
{
    private readonly int _maxMessageSize;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private SipParseError _fault = SipParseError.None;

    /// <summary>Creates a framer that refuses messages larger than <paramref name="maxMessageSize"/> bytes.</summary>
    public SipStreamFramer(int maxMessageSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageSize, 64);
        _maxMessageSize = maxMessageSize;
        _buffer = ArrayPool<byte>.Shared.Rent(4096);
    }

    /// <summary>Number of bytes received but not yet returned as messages.</summary>
    public int Buffered => _end - _start;

    /// <summary>
    /// Appends received bytes. Returns false (and faults the framer) if that would buffer more than twice the
    /// message limit, which only happens when the caller does not drain with <see cref="TryRead"/>, or the peer floods.
    /// </summary>
    public bool Append(ReadOnlySpan<byte> data)
    {
        if (_fault.IsError) return false;
        if (Buffered + data.Length > 2 * _maxMessageSize)
        {
            _fault = new SipParseError(SipParseErrorCode.MessageTooLarge, "stream buffer limit exceeded", 513, false);
            return false;
        }
        if (_end + data.Length > _buffer.Length)
        {
            var needed = Buffered + data.Length;
            if (needed > _buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
                _buffer.AsSpan(_start, Buffered).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            else
            {
                _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
            }
            _end = Buffered;
            _start = 0;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
        return true;
    }

    /// <summary>
    /// Takes the next complete message. <paramref name="message"/> points into the framer's buffer and stays valid
    /// until the next <see cref="Append"/>; parse it with <see cref="SipParser"/> before appending more.
    /// </summary>
    public SipFrameResult TryRead(out ReadOnlyMemory<byte> message, out SipParseError error)
    {
        message = default;
        error = _fault;
        if (_fault.IsError) return SipFrameResult.Error;
        while (true)
        {
            var data = _buffer.AsSpan(_start, Buffered);
            if (data.Length >= 1 && data[0] == '\r')
            {
                if (data.Length < 4 && "\r\n\r\n"u8.StartsWith(data)) return SipFrameResult.NeedMoreData;
                if (data.StartsWith("\r\n\r\n"u8))
                {
                    _start += 4;
                    return SipFrameResult.KeepAlivePing;
                }
                if (data.StartsWith("\r\n"u8))
                {
                    // A lone CRLF is a pong (or stray line end between messages): nothing to answer.
                    _start += 2;
                    continue;
                }
            }
            if (data.IsEmpty) return SipFrameResult.NeedMoreData;
            var searchable = data.Length > _maxMessageSize ? data[.._maxMessageSize] : data;
            var headerEnd = searchable.IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                if (data.Length >= _maxMessageSize) return Fault(SipParseErrorCode.MessageTooLarge, "header section over the size limit", out error);
                return SipFrameResult.NeedMoreData;
            }
            var cl = FindContentLength(data[..(headerEnd + 2)], out var code);
            if (code != SipParseErrorCode.None) return Fault(code, "cannot frame message: " + code, out error);
            var total = (long)headerEnd + 4 + cl;
            if (total > _maxMessageSize) return Fault(SipParseErrorCode.MessageTooLarge, "message over the size limit", out error);
            if (data.Length < total) return SipFrameResult.NeedMoreData;
            message = _buffer.AsMemory(_start, (int)total);
            _start += (int)total;
            if (_start == _end) _start = _end = 0;
            return SipFrameResult.Message;
        }
    }

    private SipFrameResult Fault(SipParseErrorCode code, string detail, out SipParseError error)
    {
        _fault = new SipParseError(code, detail, 400, false);
        error = _fault;
        return SipFrameResult.Error;
    }

    private static long FindContentLength(ReadOnlySpan<byte> head, out SipParseErrorCode code)
    {
        code = SipParseErrorCode.None;
        long found = -1;
        var first = true;
        while (!head.IsEmpty)
        {
            var eol = head.IndexOf("\r\n"u8);
            var line = eol < 0 ? head : head[..eol];
            head = eol < 0 ? [] : head[(eol + 2)..];
            if (first)
            {
                first = false;
                continue;
            }
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t') continue;
            var name = line[..colon].TrimEnd(" \t"u8);
            if (!(name.Length == 1 && (name[0] | 0x20) == 'l') && !System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8)) continue;
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.IsEmpty && head.Length > 0 && head[0] is (byte)' ' or (byte)'\t')
            {
                var next = head.IndexOf("\r\n"u8);
                value = (next < 0 ? head : head[..next]).Trim(" \t"u8);
            }
            if (value.IsEmpty || value.Length > 9 || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                code = SipParseErrorCode.InvalidContentLength;
                return 0;
            }
            if (found >= 0 && found != n)
            {
                code = SipParseErrorCode.InvalidContentLength;
                return 0;
            }
            found = n;
        }
        if (found < 0) code = SipParseErrorCode.MissingContentLength;
        return found < 0 ? 0 : found;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        _start = _end = 0;
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
