using Ivr.Engine.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// A leg over a SIP dialog and an <see cref="IMediaSession"/>: playback numbered so a stale end is recognisable, keys and
/// hang-ups forwarded to the attached listener, bridging through the media seam, and an idempotent hang-up. Thread-safe:
/// its owner calls it from its actor, the stack and the media from theirs.
/// </summary>
public abstract class SipLeg : ILeg
{
    private readonly Action<char> _onDigit;
    private readonly Action<int> _onPlaybackFinished;
    private const int MaxEarlyDigits = 32;
    private readonly Lock _listening = new();
    private ILegListener? _listener;
    private Queue<char>? _early;
    private int _remoteHangup;
    private int _hangupReported;
    private int _play;
    private int _playing;
    private int _ended;
    private int _mediaClosed;

    /// <summary>Wraps <paramref name="media"/> for the dialog <paramref name="callId"/>; subscribes to the media's events.</summary>
    protected SipLeg(string callId, IMediaSession media, ILogger? log)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        ArgumentNullException.ThrowIfNull(media);
        CallId = callId;
        Media = media;
        Log = log ?? NullLogger.Instance;
        _onDigit = OnDigit;
        _onPlaybackFinished = OnPlaybackFinished;
        media.DtmfReceived += _onDigit;
        media.PlaybackFinished += _onPlaybackFinished;
    }

    /// <inheritdoc />
    public string CallId { get; }

    /// <inheritdoc />
    public IMediaSession Media { get; }

    /// <inheritdoc />
    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Where the leg logs what it could not do (a BYE that failed).</summary>
    protected ILogger Log { get; }

    /// <summary>The attached listener, for subclasses' own events.</summary>
    protected ILegListener? Listener
    {
        get
        {
            lock (_listening) return _listener;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Keys pressed before a listener was attached are kept (up to 32) and given to it first, in order; a far end that
    /// hung up before is reported to it at once.
    /// </remarks>
    public void Attach(ILegListener? listener)
    {
        lock (_listening)
        {
            _listener = listener;
            if (listener is null) return;
            while (_early?.TryDequeue(out var digit) == true) listener.DigitReceived(digit);
        }
        if (Volatile.Read(ref _remoteHangup) != 0) ReportHangup(listener);
    }

    /// <inheritdoc />
    public int Play(IReadOnlyList<AudioClip> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        var play = Interlocked.Increment(ref _play);
        var wasPlaying = Interlocked.Exchange(ref _playing, 0) != 0;
        if (IsMediaClosed) return play;
        if (wasPlaying) Media.StopPlayback();
        if (clips.Count == 0)
        {
            // Nothing playable (text without TTS, a missing file): the play ends at once.
            Volatile.Read(ref _listener)?.PlaybackFinished(play);
            return play;
        }
        Volatile.Write(ref _playing, play);
        Media.Play(clips, play);
        return play;
    }

    /// <summary>True while a play runs (started and neither ended nor stopped).</summary>
    public bool IsPlaying => Volatile.Read(ref _playing) != 0;

    /// <inheritdoc />
    public void StopPlayback()
    {
        Interlocked.Increment(ref _play);
        if (Interlocked.Exchange(ref _playing, 0) != 0 && !IsMediaClosed) Media.StopPlayback();
    }

    /// <inheritdoc />
    public IDisposable BridgeTo(ILeg other)
    {
        ArgumentNullException.ThrowIfNull(other);
        StopPlayback();
        other.StopPlayback();
        return new MediaBridge(Media, other.Media);
    }

    /// <inheritdoc />
    public async Task HangupAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            CloseMedia();
            return;
        }
        CloseMedia();
        try
        {
            await SendByeAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The dialog is over for us either way; the far end's retransmissions are the stack's.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.LogWarning(ex, "BYE for call {CallId} failed", CallId);
        }
    }

    /// <inheritdoc />
    public void CloseMedia()
    {
        if (Interlocked.Exchange(ref _mediaClosed, 1) != 0) return;
        Media.DtmfReceived -= _onDigit;
        Media.PlaybackFinished -= _onPlaybackFinished;
        try
        {
            Media.Close();
        }
        finally
        {
            _ = Media.DisposeAsync().AsTask();
        }
    }

    private bool IsMediaClosed => Volatile.Read(ref _mediaClosed) != 0;

    /// <summary>Sends the BYE of an answered dialog (the leg was not ended by the far end).</summary>
    protected abstract Task SendByeAsync(CancellationToken cancellationToken);

    /// <summary>The far end hung up: the leg is ended, its media closed, the listener told (now, or when one attaches).</summary>
    protected void OnRemoteHangup()
    {
        Interlocked.Exchange(ref _ended, 1);
        Interlocked.Exchange(ref _remoteHangup, 1);
        CloseMedia();
        if (Volatile.Read(ref _listener) is { } listener) ReportHangup(listener);
    }

    private void ReportHangup(ILegListener listener)
    {
        if (Interlocked.Exchange(ref _hangupReported, 1) == 0) listener.HungUp();
    }

    /// <summary>Marks the leg ended without a BYE (rejected, cancelled, never answered).</summary>
    protected void MarkEnded() => Interlocked.Exchange(ref _ended, 1);

    // Keys are rare (≥ 100 ms apart): one lock keeps them in order across a listener being attached.
    private void OnDigit(char digit)
    {
        lock (_listening)
        {
            if (_listener is { } listener)
            {
                listener.DigitReceived(digit);
                return;
            }
            _early ??= new Queue<char>();
            if (_early.Count < MaxEarlyDigits) _early.Enqueue(digit);
        }
    }

    // The media's queue ran empty after the last clip of play `tag`: reported when that play is still the current one
    // (StopPlayback and Play move _play on and reset _playing, so an end raised for an older play never matches).
    private void OnPlaybackFinished(int tag)
    {
        if (tag == 0 || tag != Volatile.Read(ref _play)) return;
        if (Interlocked.CompareExchange(ref _playing, 0, tag) != tag) return;
        Volatile.Read(ref _listener)?.PlaybackFinished(tag);
    }
}
