using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Ivr.Engine.Asterisk;
using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// The caller's leg on an Asterisk channel over FastAGI. AGI is one command at a time on one connection, so one command
/// loop per channel runs what the call asks for in order — <c>ANSWER</c>, prompts by <c>STREAM FILE</c> with every key as
/// an escape digit (a key cuts the prompt short and is reported, then the play's end), and at the end <c>SET VARIABLE</c>
/// for each flow variable (and <c>IVR_TRANSFER</c> for a transfer, which the dial plan carries out) and <c>HANGUP</c> when the flow hung up — and between them polls keys with <c>WAIT FOR DIGIT</c>.
/// The channel's hang-up (<c>HANGUP</c>, <c>511</c>, a result of -1, a closed socket) and garbage from the peer end the
/// leg and are reported as the caller hanging up. No audio reaches the engine over AGI: a speech menu hears the caller
/// through ARI when it is configured (<see cref="AriAudioSession"/>), else takes keys only (<see cref="NoAudioSession"/>).
/// </summary>
public sealed class AgiLeg : IInboundLeg
{
    /// <summary>The keys that cut a prompt short (RFC 4733 events, detected by Asterisk).</summary>
    public const string EscapeDigits = "0123456789*#ABCD";

    private readonly AgiSession _session;
    private readonly AgiSoundFiles _sounds;
    private readonly AgiMetrics _metrics;
    private readonly TimeSpan _digitPoll;
    private readonly ILogger _log;
    private readonly Channel<Request> _requests = System.Threading.Channels.Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ILegListener? _listener;
    private Queue<char>? _early;
    private IReadOnlyDictionary<string, string> _variables = new Dictionary<string, string>();
    private FlowOutcome? _outcome;
    private string? _transfer;
    private int _started;
    private int _play;
    private int _playing;
    private int _ended;
    private int _answered;
    private int _lost;
    private int _lostReported;
    private ITimer? _cut;

    /// <summary>
    /// The leg of <paramref name="session"/>; prompts are written to <paramref name="sounds"/>; keys polled every
    /// <paramref name="digitPoll"/>; the caller's audio for speech from <paramref name="media"/> (null: none reaches the engine).
    /// </summary>
    public AgiLeg(AgiSession session, AgiSoundFiles sounds, AgiMetrics metrics, TimeSpan digitPoll, ILogger? log = null, IMediaSession? media = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(sounds);
        ArgumentNullException.ThrowIfNull(metrics);
        Media = media ?? new NoAudioSession();
        _session = session;
        _sounds = sounds;
        _metrics = metrics;
        _digitPoll = digitPoll > TimeSpan.Zero ? digitPoll : TimeSpan.FromMilliseconds(200);
        _log = log ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string CallId => _session.CallId;

    /// <summary>The Asterisk channel (<c>PJSIP/…</c>).</summary>
    public string Channel => _session.Environment.Channel;

    /// <inheritdoc />
    public string Source => CallSources.Asterisk;

    /// <inheritdoc />
    /// <remarks>A <see cref="NoAudioSession"/>, or the caller's audio over ARI while the call listens for speech (<see cref="AriAudioSession"/>).</remarks>
    public IMediaSession Media { get; }

    /// <inheritdoc />
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <inheritdoc />
    public bool IsCancelled => false;

    /// <inheritdoc />
    public bool IsPlaying => Volatile.Read(ref _playing) != 0;

    /// <summary>Completes when the command loop has ended and the connection is closed.</summary>
    public Task Stopped => _stopped.Task;

    /// <inheritdoc />
    public void Attach(ILegListener? listener)
    {
        lock (_gate)
        {
            _listener = listener;
            if (listener is null) return;
            while (_early?.TryDequeue(out var digit) == true) listener.DigitReceived(digit);
        }
        if (Volatile.Read(ref _lost) != 0) ReportLost(listener);
    }

    /// <inheritdoc />
    public void Ring(int statusCode = 180)
    {
    }

    /// <inheritdoc />
    public Task<bool> AnswerAsync(string sdpAnswer, CancellationToken cancellationToken)
    {
        var answer = new Request.Answer(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        Enqueue(answer);
        return answer.Done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Over AGI the channel goes back to the dial plan with <c>IVR_RESULT=rejected</c> and <c>IVR_STATUS</c> set.</remarks>
    public void Reject(int statusCode, IReadOnlyList<SipHeader>? extraHeaders = null)
    {
        _variables = new Dictionary<string, string> { ["result"] = "rejected", ["status"] = statusCode.ToString(CultureInfo.InvariantCulture) };
        Enqueue(new Request.End(Hangup: false, Raw: true));
        CutAfter(RejectDeadline);
    }

    /// <summary>The longest a refused channel's connection stays open, whatever the peer does.</summary>
    public static readonly TimeSpan RejectDeadline = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    /// <remarks>
    /// Over AGI the dial plan transfers: the target is kept for <c>IVR_TRANSFER</c> and the transfer is accepted, so the
    /// flow ends <c>transferred</c> and the channel goes back to the dial plan, which dials it (docs/asterisk.md).
    /// </remarks>
    public Task<bool> ReferAsync(string target, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        _transfer = target;
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public void FlowEnded(FlowOutcome outcome, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(variables);
        _outcome = outcome;
        _variables = variables;
    }

    /// <inheritdoc />
    public void Detach() => Attach(null);

    /// <inheritdoc />
    public int Play(IReadOnlyList<AudioClip> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        var play = Interlocked.Increment(ref _play);
        if (clips.Count == 0 || IsEnded)
        {
            Volatile.Write(ref _playing, 0);
            if (clips.Count == 0) Listener()?.PlaybackFinished(play);
            return play;
        }
        Volatile.Write(ref _playing, play);
        Enqueue(new Request.Play(play, [.. clips.SelectMany(PlayedAs)]));
        return play;
    }

    /// <summary>
    /// The longest piece of a prompt on a leg that hears the caller over ARI: AGI cannot stop a <c>STREAM FILE</c> in
    /// progress, so such a leg plays its prompts in pieces and a barge-in by speech stops the prompt at the next piece.
    /// </summary>
    public static readonly TimeSpan SpeechPiece = TimeSpan.FromSeconds(1);

    // A clip as played: in pieces while the call listens over ARI (a speech barge-in prompt: the call starts listening
    // before it plays), else whole (keys stop a prompt in Asterisk itself).
    private IReadOnlyList<(string Path, TimeSpan Duration)> PlayedAs(AudioClip clip) =>
        Media is AriAudioSession { Hears: true } ? _sounds.PiecesOf(clip, SpeechPiece) : [(_sounds.PathOf(clip), clip.Duration)];

    /// <inheritdoc />
    /// <remarks>
    /// A <c>STREAM FILE</c> already sent plays to its end (AGI cannot interrupt it); nothing more of the play starts. On a
    /// leg that hears the caller, that is the current piece (<see cref="SpeechPiece"/>).
    /// </remarks>
    public void StopPlayback()
    {
        Interlocked.Increment(ref _play);
        Volatile.Write(ref _playing, 0);
    }

    /// <inheritdoc />
    public bool CanBridge => false;

    /// <inheritdoc />
    public IDisposable BridgeTo(ILeg other) =>
        throw new NotSupportedException("An Asterisk channel over FastAGI carries no audio to the engine: it cannot be bridged to an agent here.");

    /// <inheritdoc />
    /// <remarks>
    /// Sets the flow's variables on the channel (<c>IVR_OUTCOME</c>, <c>IVR_STEP</c> and <c>IVR_&lt;NAME&gt;</c> per
    /// variable), sends <c>HANGUP</c> when the flow hung up, and closes the connection: Asterisk then carries on in the
    /// dial plan (or runs its <c>h</c> extension).
    /// </remarks>
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        var hangup = _outcome?.Code.StartsWith("hangup", StringComparison.Ordinal) == true;
        Enqueue(new Request.End(hangup, Raw: false));
        await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void CloseMedia()
    {
        Interlocked.Exchange(ref _ended, 1);
        Media.Close();
        _requests.Writer.TryComplete();
        // Nothing left to say: a loop still running stops at its next command.
        if (Volatile.Read(ref _started) == 0) _ = CloseAsync();
        else CutAfter(TimeSpan.FromSeconds(2));
    }

    // Stops the command loop after `delay` on the connection's clock (once; a later call does not move it).
    private void CutAfter(TimeSpan delay)
    {
        var timer = _session.Connection.Time.CreateTimer(_ => Cut(), null, delay, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _cut, timer, null) is not null) timer.Dispose();
    }

    private void Cut()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The name a flow variable takes on the channel: <c>IVR_</c> and the name in capitals, other characters as <c>_</c>.</summary>
    public static string ChannelVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder("IVR_", name.Length + 4);
        foreach (var c in name) text.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        return text.ToString();
    }

    /// <summary>The most UTF-8 bytes of a value inside <see cref="Quote"/>'s quotes (escapes counted): longer values are cut.</summary>
    public const int MaxValueBytes = 512;

    /// <summary>
    /// The built-in variables every call has (the caller, the call, the queue, the last HTTP call…): not sent to the
    /// channel, whose dial plan has them already or has no use for them. Only the flow's own variables are exported.
    /// </summary>
    public static readonly IReadOnlySet<string> BuiltInVariables = Ivr.Flows.Runtime.BuiltInVariables.All;

    /// <summary>
    /// An AGI argument in double quotes: backslash before <c>"</c> and <c>\</c>, control characters (line breaks, NUL…)
    /// dropped, and the text cut to <see cref="MaxValueBytes"/> UTF-8 bytes on a character boundary — a value (a caller's
    /// display name, say) can never end the command line or overflow Asterisk's command buffer.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(Math.Min(value.Length, MaxValueBytes) + 2).Append('"');
        var bytes = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value < 0x20 || rune.Value == 0x7F) continue;
            var escaped = rune.Value is '"' or '\\';
            var size = rune.Utf8SequenceLength + (escaped ? 1 : 0);
            if (bytes + size > MaxValueBytes) break;
            bytes += size;
            if (escaped) text.Append('\\');
            text.Append(rune.ToString());
        }
        return text.Append('"').ToString();
    }

    private void Enqueue(Request request)
    {
        if (!_requests.Writer.TryWrite(request))
        {
            // The leg is over: nothing is sent any more.
            if (request is Request.Answer answer) answer.Done.TrySetResult(false);
            return;
        }
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(RunAsync);
    }

    private ILegListener? Listener()
    {
        lock (_gate) return _listener;
    }

    private async Task RunAsync()
    {
        var connection = _session.Connection;
        var token = _closing.Token;
        try
        {
            while (!IsEnded || _requests.Reader.Count > 0)
            {
                if (_requests.Reader.TryRead(out var request))
                {
                    if (!await ExecuteAsync(connection, request, token).ConfigureAwait(false)) break;
                    continue;
                }
                if (Volatile.Read(ref _answered) != 0 && !IsEnded)
                {
                    var reply = await connection.SendAsync("WAIT FOR DIGIT " + Millis(_digitPoll), _digitPoll, token).ConfigureAwait(false);
                    if (Gone(reply)) break;
                    if (reply.Digit is { } key) Digit(key);
                    continue;
                }
                if (!await _requests.Reader.WaitToReadAsync(token).ConfigureAwait(false)) break;
            }
        }
        catch (Exception ex) when (ex is AgiProtocolException or IOException or ObjectDisposedException or OperationCanceledException or ArgumentException or TimeoutException)
        {
            var reason = ex switch
            {
                TimeoutException => "timeout",
                EndOfStreamException => null,
                AgiProtocolException => "reply",
                ArgumentException => "command",
                OperationCanceledException => "stopped",
                _ => "closed",
            };
            if (reason is null)
            {
                // Asterisk closed the connection between replies: the caller hung up, no error.
                _log.LogInformation("AGI session of {Channel} closed by Asterisk (hang-up)", Channel);
            }
            else if (!IsEnded)
            {
                _metrics.Error(reason);
                _log.LogWarning("AGI session of {Channel} ended: {Reason} ({Message})", Channel, reason, ex.Message);
            }
        }
        finally
        {
            var wasEnded = Interlocked.Exchange(ref _ended, 1) != 0;
            _requests.Writer.TryComplete();
            while (_requests.Reader.TryRead(out var left))
            {
                if (left is Request.Answer answer) answer.Done.TrySetResult(false);
            }
            // The caller's audio path over ARI (if open) goes with the channel.
            Media.Close();
            await CloseAsync().ConfigureAwait(false);
            if (!wasEnded) Lost();
        }
    }

    private async Task<bool> ExecuteAsync(AgiConnection connection, Request request, CancellationToken token)
    {
        switch (request)
        {
            case Request.Answer answer:
            {
                try
                {
                    var reply = await connection.SendAsync("ANSWER", token).ConfigureAwait(false);
                    var up = reply.IsSuccess && reply.Number == 0;
                    if (up) Volatile.Write(ref _answered, 1);
                    answer.Done.TrySetResult(up);
                    return up || !Gone(reply);
                }
                finally
                {
                    // No reply (a time-out, the connection lost): the answer failed.
                    answer.Done.TrySetResult(false);
                }
            }
            case Request.Play play:
                return await PlayAsync(connection, play, token).ConfigureAwait(false);
            case Request.End end:
                await EndAsync(connection, end, token).ConfigureAwait(false);
                return false;
            default:
                return true;
        }
    }

    private async Task<bool> PlayAsync(AgiConnection connection, Request.Play play, CancellationToken token)
    {
        foreach (var (file, duration) in play.Files)
        {
            if (Volatile.Read(ref _play) != play.Number) return true;
            var reply = await connection.SendAsync($"STREAM FILE {Quote(file)} \"{EscapeDigits}\"", duration, token).ConfigureAwait(false);
            if (Gone(reply)) return false;
            if (reply.Number == -1 && reply.EndPos == 0)
            {
                _metrics.Error("missing-file");
                _log.LogWarning("Asterisk could not play {File} on {Channel}: {Reply}", file, Channel, reply.Text);
            }
            if (reply.Digit is { } key)
            {
                // The key cut the prompt short: the flow hears the key, then the play's end (a barge-in has already moved on).
                Digit(key);
                break;
            }
        }
        if (Interlocked.CompareExchange(ref _playing, 0, play.Number) == play.Number) Listener()?.PlaybackFinished(play.Number);
        return true;
    }

    private async Task EndAsync(AgiConnection connection, Request.End end, CancellationToken token)
    {
        Interlocked.Exchange(ref _ended, 1);
        if (connection.HungUp) return;
        var variables = new List<(string Name, string Value)>();
        if (end.Raw)
        {
            variables.AddRange(_variables.Select(v => (ChannelVariable(v.Key), v.Value)));
        }
        else
        {
            if (_outcome is { } outcome)
            {
                variables.Add(("IVR_OUTCOME", outcome.Code));
                variables.Add(("IVR_STEP", outcome.Step ?? string.Empty));
            }
            if (_transfer is { } transfer) variables.Add(("IVR_TRANSFER", transfer));
            variables.AddRange(_variables.Where(v => v.Key is not ("outcome" or "step" or "transfer") && !BuiltInVariables.Contains(v.Key)).Select(v => (ChannelVariable(v.Key), v.Value)));
        }
        foreach (var (name, value) in variables)
        {
            var command = $"SET VARIABLE {name} {Quote(value)}";
            if (Encoding.UTF8.GetByteCount(command) >= AgiConnection.MaxCommandBytes)
            {
                _log.LogWarning("Flow variable {Name} of {Channel} not set: its name is too long for one AGI command", name, Channel);
                continue;
            }
            var reply = await connection.SendAsync(command, token).ConfigureAwait(false);
            if (Gone(reply)) return;
        }
        if (end.Hangup) await connection.SendAsync("HANGUP", token).ConfigureAwait(false);
    }

    // The channel is gone: Asterisk said HANGUP or 511, or a channel command failed with -1.
    private bool Gone(AgiReply reply) => _session.Connection.HungUp || reply.IsDeadChannel || (reply.IsSuccess && reply.Number == -1 && reply.EndPos is not 0);

    private void Digit(char key)
    {
        lock (_gate)
        {
            if (_listener is { } listener)
            {
                listener.DigitReceived(key);
                return;
            }
            _early ??= new Queue<char>();
            if (_early.Count < 32) _early.Enqueue(key);
        }
    }

    // The channel went away (or the peer broke the protocol) before the call ended it: the caller hung up.
    private void Lost()
    {
        Volatile.Write(ref _lost, 1);
        if (Listener() is { } listener) ReportLost(listener);
    }

    private void ReportLost(ILegListener listener)
    {
        if (Interlocked.Exchange(ref _lostReported, 1) == 0) listener.HungUp();
    }

    private async Task CloseAsync()
    {
        try
        {
            await _session.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _log.LogDebug(ex, "Closing the AGI connection of {Channel}", Channel);
        }
        finally
        {
            Interlocked.Exchange(ref _cut, null)?.Dispose();
            _stopped.TrySetResult();
        }
    }

    private static string Millis(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private abstract record Request
    {
        public sealed record Answer(TaskCompletionSource<bool> Done) : Request;

        public sealed record Play(int Number, IReadOnlyList<(string Path, TimeSpan Duration)> Files) : Request;

        public sealed record End(bool Hangup, bool Raw) : Request;
    }
}
