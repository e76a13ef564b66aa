using System.Collections.Concurrent;
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
    private readonly Action _onPlaybackFinished;
    private const int MaxEarlyDigits = 32;
    private ILegListener? _listener;
    private ConcurrentQueue<char>? _early;
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
    protected ILegListener? Listener => Volatile.Read(ref _listener);

    /// <inheritdoc />
    /// <remarks>Keys pressed before a listener was attached are kept (up to 32) and given to it first.</remarks>
    public void Attach(ILegListener? listener)
    {
        Volatile.Write(ref _listener, listener);
        if (listener is not null) FlushEarly(listener);
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
        foreach (var clip in clips) Media.Play(clip);
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

    /// <summary>The far end hung up: the leg is ended, its media closed, the listener told.</summary>
    protected void OnRemoteHangup()
    {
        Interlocked.Exchange(ref _ended, 1);
        CloseMedia();
        Volatile.Read(ref _listener)?.HungUp();
    }

    /// <summary>Marks the leg ended without a BYE (rejected, cancelled, never answered).</summary>
    protected void MarkEnded() => Interlocked.Exchange(ref _ended, 1);

    private void OnDigit(char digit)
    {
        if (Volatile.Read(ref _listener) is { } listener)
        {
            listener.DigitReceived(digit);
            return;
        }
        var early = Volatile.Read(ref _early) ?? Interlocked.CompareExchange(ref _early, new ConcurrentQueue<char>(), null) ?? _early!;
        if (early.Count < MaxEarlyDigits) early.Enqueue(digit);
        // A listener attached meanwhile takes what was kept.
        if (Volatile.Read(ref _listener) is { } late) FlushEarly(late);
    }

    private void FlushEarly(ILegListener listener)
    {
        if (Volatile.Read(ref _early) is not { } early) return;
        while (early.TryDequeue(out var digit)) listener.DigitReceived(digit);
    }

    // The media's queue ran empty after its last clip: that is the end of the play current when it was queued, unless it
    // was stopped or replaced since (StopPlayback/Play move _play on, so _playing no longer matches).
    private void OnPlaybackFinished()
    {
        var playing = Volatile.Read(ref _playing);
        if (playing == 0 || playing != Volatile.Read(ref _play)) return;
        if (Interlocked.CompareExchange(ref _playing, 0, playing) != playing) return;
        Volatile.Read(ref _listener)?.PlaybackFinished(playing);
    }
}
