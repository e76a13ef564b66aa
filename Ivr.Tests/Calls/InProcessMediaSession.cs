using System.Collections.Concurrent;
using System.Net;
using Ivr.Engine.Media;

namespace Ivr.Tests.Calls;

/// <summary>
/// In-process test double for the media seam <see cref="IMediaSession"/>: records the clips played, lets a test inject DTMF and
/// the end of a clip, and can be told to fail on Play or to hold StartAsync. No sockets; the RTP path is tested with sipp.
/// </summary>
internal sealed class InProcessMediaSession : IMediaSession
{
    private readonly ConcurrentQueue<string> _played = new();
    private readonly ConcurrentQueue<char> _sentDigits = new();
    private readonly ConcurrentQueue<short> _sentAudio = new();
    private readonly Lock _queueGate = new();
    private readonly Queue<string> _queue = new();
    private int _tag;
    private int _stops;
    private int _closed;

    public InProcessMediaSession(NegotiatedMedia media) => Negotiated = media;

    public NegotiatedMedia Negotiated { get; }

    public MediaFormat Format => Negotiated.Format;

    public IPEndPoint RemoteEndPoint => Negotiated.RemoteEndPoint;

    public bool IsPlaying => Current is not null;

    /// <summary>Play throws this when set (a faulty media session).</summary>
    public Exception? FailOnPlay { get; set; }

    /// <summary>StartAsync waits for this when set (lets a CANCEL arrive before the answer).</summary>
    public Task? StartGate { get; set; }

    /// <summary>Caller audio delivered once the session starts (the dial tests).</summary>
    public short[]? AudioOnStart { get; set; }

    /// <summary>Names of the clips played, in order.</summary>
    public IReadOnlyList<string> Played => [.. _played];

    /// <summary>The clip playing now (the head of the play queue), or null.</summary>
    public string? Current
    {
        get
        {
            lock (_queueGate) return _queue.TryPeek(out var head) ? head : null;
        }
    }

    public int Stops => Volatile.Read(ref _stops);

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public bool Started { get; private set; }

    public event Action<char>? DtmfReceived;

    public event Action<int>? PlaybackFinished;

    public event AudioFrameHandler? AudioReceived;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (StartGate is { } gate) await gate.WaitAsync(cancellationToken);
        Started = true;
        if (AudioOnStart is { } samples) AudioReceived?.Invoke(samples);
    }

    public void Play(AudioClip clip)
    {
        if (FailOnPlay is { } failure) throw failure;
        lock (_queueGate)
        {
            _tag = 0;
            _queue.Enqueue(clip.Name);
        }
        _played.Enqueue(clip.Name);
    }

    public void Play(IReadOnlyList<AudioClip> clips, int tag)
    {
        foreach (var clip in clips) Play(clip);
        lock (_queueGate) _tag = tag;
    }

    public void StopPlayback()
    {
        Interlocked.Increment(ref _stops);
        lock (_queueGate) _queue.Clear();
    }

    public void SendDtmf(char digit) => _sentDigits.Enqueue(digit);

    /// <summary>Live audio queued to send (a bridge relays the other leg's audio here): samples in order.</summary>
    public void SendAudio(ReadOnlySpan<short> samples)
    {
        foreach (var sample in samples) _sentAudio.Enqueue(sample);
    }

    /// <summary>Digits sent to the caller (relayed by a bridge).</summary>
    public string SentDigits => string.Concat(_sentDigits);

    /// <summary>Live audio samples sent to the caller (relayed by a bridge).</summary>
    public int SentAudioSamples => _sentAudio.Count;

    public void Close() => Interlocked.Exchange(ref _closed, 1);

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>The caller presses a key (as if an RFC 4733 event arrived on the media thread).</summary>
    public void Press(char digit) => DtmfReceived?.Invoke(digit);

    /// <summary>
    /// The clip playing now reaches its end; the next queued clip plays, and when none is left the queue ran empty
    /// (<see cref="PlaybackFinished"/>, as the RTP session raises it).
    /// </summary>
    public void FinishClip()
    {
        bool empty;
        int tag;
        lock (_queueGate)
        {
            _queue.TryDequeue(out _);
            empty = _queue.Count == 0;
            tag = _tag;
        }
        if (empty) PlaybackFinished?.Invoke(tag);
    }

    /// <summary>Raises the end of play <paramref name="tag"/> now (the RTP session raises an end decided under its lock after releasing it).</summary>
    public void RaisePlaybackFinished(int tag) => PlaybackFinished?.Invoke(tag);

    /// <summary>Caller audio arrives.</summary>
    public void Hear(ReadOnlySpan<short> samples) => AudioReceived?.Invoke(samples);
}
