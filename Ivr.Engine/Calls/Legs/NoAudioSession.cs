using System.Net;
using Ivr.Engine.Media;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// The media of a leg that carries no audio to the engine (an Asterisk channel over FastAGI: Asterisk plays the prompts
/// and detects the keys). It never raises an event: nothing is heard, recorded or recognised through it.
/// </summary>
public sealed class NoAudioSession : IMediaSession
{
    /// <summary>What a call without audio "negotiated": inactive, so recorders and listeners know at once.</summary>
    public static NegotiatedMedia Negotiated { get; } =
        new(MediaFormat.Default, new IPEndPoint(IPAddress.None, 0), new IPEndPoint(IPAddress.None, 0), MediaDirection.Inactive);

    /// <inheritdoc />
    public MediaFormat Format => MediaFormat.Default;

    /// <inheritdoc />
    public IPEndPoint RemoteEndPoint => Negotiated.RemoteEndPoint;

    /// <inheritdoc />
    public bool IsPlaying => false;

    /// <inheritdoc />
    public event Action<char>? DtmfReceived
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public event Action<int>? PlaybackFinished
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public event AudioFrameHandler? AudioReceived
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public void Play(AudioClip clip)
    {
    }

    /// <inheritdoc />
    public void Play(IReadOnlyList<AudioClip> clips, int tag)
    {
    }

    /// <inheritdoc />
    public void StopPlayback()
    {
    }

    /// <inheritdoc />
    public void SendDtmf(char digit)
    {
    }

    /// <inheritdoc />
    public void SendAudio(ReadOnlySpan<short> samples)
    {
    }

    /// <inheritdoc />
    public void Close()
    {
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
