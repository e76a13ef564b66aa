using System.Text;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// One FastAGI connection: the environment first, then commands, each answered by one reply (AGI is strictly one command
/// at a time). A <c>HANGUP</c> line that Asterisk sends when the channel hangs up is noted (<see cref="HungUp"/>) and
/// skipped; multi-line <c>520</c> usage replies are read to their end. Use from one task at a time.
/// </summary>
public sealed class AgiConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly AgiLineReader _reader;
    private int _hungUp;

    /// <summary>Speaks AGI over <paramref name="stream"/> (owned: disposed with this).</summary>
    public AgiConnection(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _reader = new AgiLineReader(stream);
    }

    /// <summary>True once Asterisk said <c>HANGUP</c> or answered <c>511</c>: the channel is gone.</summary>
    public bool HungUp => Volatile.Read(ref _hungUp) != 0;

    /// <summary>Reads the environment: <c>agi_…</c> lines up to the first empty one (at most <see cref="AgiEnvironment.MaxLines"/>).</summary>
    public async Task<AgiEnvironment> ReadEnvironmentAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length == 0) break;
            if (lines.Count >= AgiEnvironment.MaxLines) throw new AgiProtocolException($"AGI environment over {AgiEnvironment.MaxLines} lines");
            lines.Add(line);
        }
        return AgiEnvironment.Parse(lines);
    }

    /// <summary>
    /// Sends <paramref name="command"/> (one line, no newline in it) and reads its reply. A <c>511</c> marks the channel
    /// hung up; it is returned, not thrown.
    /// </summary>
    public async Task<AgiReply> SendAsync(string command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (command.Contains('\n', StringComparison.Ordinal) || command.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException("an AGI command is one line", nameof(command));
        }
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(command + "\n"), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one reply (skipping <c>HANGUP</c> notices and the body of a <c>520-</c> usage reply).</summary>
    public async Task<AgiReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line == "HANGUP")
            {
                Volatile.Write(ref _hungUp, 1);
                continue;
            }
            var reply = AgiReply.Parse(line);
            if (reply.IsDeadChannel) Volatile.Write(ref _hungUp, 1);
            if (line.Length > 3 && line[3] == '-')
            {
                // A multi-line reply (520-Invalid command syntax…): its last line starts with the code and a space.
                var end = line[..3] + " ";
                for (var n = 0; n < AgiEnvironment.MaxLines; n++)
                {
                    if ((await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)).StartsWith(end, StringComparison.Ordinal)) return reply;
                }
                throw new AgiProtocolException("AGI multi-line reply without its end");
            }
            return reply;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
