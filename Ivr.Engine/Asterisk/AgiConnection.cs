using System.Globalization;
using System.Text;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// One FastAGI connection: the environment first, then commands, each answered by one reply (AGI is strictly one command
/// at a time). A <c>HANGUP</c> line that Asterisk sends when the channel hangs up is noted (<see cref="HungUp"/>) and
/// skipped; multi-line <c>520</c> usage replies are read to their end. Use from one task at a time.
/// </summary>
public sealed class AgiConnection : IAsyncDisposable
{
    /// <summary>The default <see cref="ReplyTimeout"/>.</summary>
    public static readonly TimeSpan DefaultReplyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes an environment may have, all lines together (Asterisk's own is under 2 KB).</summary>
    public const int MaxEnvironmentBytes = 16 * 1024;

    private readonly Stream _stream;
    private readonly AgiLineReader _reader;
    private readonly Action? _closed;
    private int _hungUp;
    private int _disposed;

    /// <summary>
    /// Speaks AGI over <paramref name="stream"/> (owned: disposed with this); each reply is awaited at most
    /// <paramref name="replyTimeout"/> (plus what the command itself takes) on <paramref name="time"/>;
    /// <paramref name="closed"/> runs once when the connection is disposed.
    /// </summary>
    public AgiConnection(Stream stream, TimeProvider? time = null, TimeSpan? replyTimeout = null, Action? closed = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _reader = new AgiLineReader(stream);
        _closed = closed;
        Time = time ?? TimeProvider.System;
        ReplyTimeout = replyTimeout is { } t && t > TimeSpan.Zero ? t : DefaultReplyTimeout;
    }

    /// <summary>The clock of the reply deadlines.</summary>
    public TimeProvider Time { get; }

    /// <summary>How long Asterisk may take to answer a command, beyond what the command itself lasts.</summary>
    public TimeSpan ReplyTimeout { get; }

    /// <summary>True once Asterisk said <c>HANGUP</c> or answered <c>511</c>: the channel is gone.</summary>
    public bool HungUp => Volatile.Read(ref _hungUp) != 0;

    /// <summary>Reads the environment: <c>agi_…</c> lines up to the first empty one (at most <see cref="AgiEnvironment.MaxLines"/>).</summary>
    public async Task<AgiEnvironment> ReadEnvironmentAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var bytes = 0;
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length == 0) break;
            if (lines.Count >= AgiEnvironment.MaxLines) throw new AgiProtocolException($"AGI environment over {AgiEnvironment.MaxLines} lines");
            bytes += Encoding.UTF8.GetByteCount(line) + 1;
            if (bytes > MaxEnvironmentBytes) throw new AgiProtocolException($"AGI environment over {MaxEnvironmentBytes} bytes");
            lines.Add(line);
        }
        return AgiEnvironment.Parse(lines);
    }

    /// <summary>
    /// The longest command sent, in UTF-8 bytes with its newline. Asterisk reads a command into a 2048-byte buffer and takes
    /// what is past it as the next command, so anything near that is refused here rather than split there.
    /// </summary>
    public const int MaxCommandBytes = 1024;

    /// <summary>
    /// Sends <paramref name="command"/> (one line) and reads its reply. A <c>511</c> marks the channel hung up; it is
    /// returned, not thrown. A command over <see cref="MaxCommandBytes"/> or with a control character (a line break, NUL…)
    /// is refused with an <see cref="ArgumentException"/> before anything is written: it could smuggle a second command.
    /// </summary>
    public Task<AgiReply> SendAsync(string command, CancellationToken cancellationToken) => SendAsync(command, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(string, CancellationToken)"/>, for a command that lasts up to <paramref name="lasts"/>
    /// (a <c>WAIT FOR DIGIT</c>'s time-out, a clip's length): no reply within that plus <see cref="ReplyTimeout"/> is a
    /// <see cref="TimeoutException"/> — the channel is taken as lost.
    /// </summary>
    public async Task<AgiReply> SendAsync(string command, TimeSpan lasts, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        foreach (var c in command)
        {
            if (c < 0x20 || c == 0x7F) throw new ArgumentException($"an AGI command is one line without control characters (found 0x{(int)c:X2})", nameof(command));
        }
        var bytes = Encoding.UTF8.GetBytes(command + "\n");
        if (bytes.Length > MaxCommandBytes) throw new ArgumentException($"an AGI command is at most {MaxCommandBytes} bytes (this one is {bytes.Length})", nameof(command));
        var within = ReplyTimeout + (lasts > TimeSpan.Zero ? lasts : TimeSpan.Zero);
        using var deadline = new CancellationTokenSource(within, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await _stream.WriteAsync(bytes, linked.Token).ConfigureAwait(false);
            await _stream.FlushAsync(linked.Token).ConfigureAwait(false);
            return await ReadReplyAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var verb = command.Length > 20 ? command[..20] + "…" : command;
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"no AGI reply to '{verb}' within {within.TotalSeconds:0.#} s"));
        }
    }

    /// <summary>Reads one reply (skipping <c>HANGUP</c> notices and the body of a <c>520-</c> usage reply).</summary>
    public async Task<AgiReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line == "HANGUP")
            {
                // Asterisk says it once per channel; more is not Asterisk (and must not keep the reader busy for ever).
                if (Interlocked.Exchange(ref _hungUp, 1) != 0) throw new AgiProtocolException("AGI HANGUP notice repeated");
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
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // Released before the peer sees the close: a new connection that follows it finds the slot free.
        _closed?.Invoke();
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
