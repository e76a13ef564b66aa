using System.Text;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// Reads AGI's newline-ended UTF-8 text lines from a stream, bounded in bytes: a line over <see cref="MaxLineLength"/> bytes is an
/// <see cref="AgiProtocolException"/>, the stream's end between lines an <see cref="EndOfStreamException"/> (a hang-up), in the middle of one an <see cref="IOException"/>. Not thread-safe (AGI is one
/// command at a time per connection).
/// </summary>
public sealed class AgiLineReader
{
    /// <summary>The longest line accepted (an environment value or a reply; Asterisk's own are far shorter).</summary>
    public const int MaxLineLength = 8192;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineLength + 2];
    private int _start;
    private int _end;

    /// <summary>Reads from <paramref name="stream"/>.</summary>
    public AgiLineReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>The next line without its <c>\n</c> (and any <c>\r</c> before it).</summary>
    public async ValueTask<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r') length--;
                var line = Encoding.UTF8.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }
            if (_end - _start > MaxLineLength) throw new AgiProtocolException($"AGI line over {MaxLineLength} bytes");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // Closed between lines: Asterisk hung up (AGIEXITONHANGUP, or the channel left). Closed mid-line: broken.
                if (_end > _start) throw new IOException("the AGI peer closed the connection in the middle of a line");
                throw new EndOfStreamException("the AGI peer closed the connection");
            }
            _end += read;
        }
    }
}
