using System.Net;

namespace Ivr.Engine.Media;

/// <summary>
/// The media seam of a call: the user agent and call actor talk to this, never to an RTP socket, so a whole call can
/// be driven in-process by a fake. One session carries one negotiated G.711 stream with RFC 4733 DTMF.
/// Events are raised on the media thread and must return quickly (post to the owning actor).
/// </summary>
public interface IMediaSession : IAsyncDisposable
{
    /// <summary>The negotiated codec, payload types and packet time (from <see cref="SdpNegotiator"/>).</summary>
    MediaFormat Format { get; }

    /// <summary>Where RTP is sent: the remote <c>c=</c>/<c>m=</c> address, or the latched source if symmetric RTP applies.</summary>
    IPEndPoint RemoteEndPoint { get; }

    /// <summary>True while a clip is being played.</summary>
    bool IsPlaying { get; }

    /// <summary>A DTMF digit arrived (RFC 4733), reported once per key press.</summary>
    event Action<char>? DtmfReceived;

    /// <summary>
    /// The play queue ran empty after its last clip played to the end (raised once per queue, not when stopped), with the
    /// tag of the last <see cref="Play(IReadOnlyList{AudioClip}, int)"/> (0 after an untagged <see cref="Play(AudioClip)"/>),
    /// read when the queue ran empty: an owner who started another play meanwhile tells this end is not its own.
    /// </summary>
    event Action<int>? PlaybackFinished;

    /// <summary>Decoded caller audio, one packet's worth at a time (for recording and speech recognition).</summary>
    event AudioFrameHandler? AudioReceived;

    /// <summary>
    /// Where the caller's audio stream is: the RTP time of the last audio packet received, from the stream's first packet
    /// (RFC 3550 timestamps, so it is the caller's own clock, not arrival time; read in an <see cref="AudioReceived"/>
    /// handler it is the packet being delivered). Null when the session does not know it.
    /// </summary>
    TimeSpan? ReceivedAudioPosition => null;

    /// <summary>Opens the media path (binds, starts receiving and joins the shared pacing loop).</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="clip"/> to the play queue (prompts play back to back); it starts at the next packet when
    /// nothing is playing, the first packet carrying the marker bit. To replace what plays, <see cref="StopPlayback"/> first.
    /// </summary>
    void Play(AudioClip clip);

    /// <summary>
    /// Appends <paramref name="clips"/> in one step (no end of the queue is raised between two of them) as a play tagged
    /// <paramref name="tag"/>, reported by <see cref="PlaybackFinished"/> when its last clip ends.
    /// </summary>
    void Play(IReadOnlyList<AudioClip> clips, int tag);

    /// <summary>Stops the current clip and clears the queue without raising <see cref="PlaybackFinished"/>; silence follows.</summary>
    void StopPlayback();

    /// <summary>Sends a DTMF digit as RFC 4733 events at the negotiated payload type (0-9, *, #, A-D).</summary>
    void SendDtmf(char digit);

    /// <summary>
    /// Queues live 8 kHz PCM to send when no prompt plays (a bridged leg, streamed speech), encoded in this session's own
    /// codec and packet time; a bounded amount is held, the oldest dropped beyond it. Called on another session's media thread.
    /// </summary>
    void SendAudio(ReadOnlySpan<short> samples);

    /// <summary>Stops sending and receiving and releases the socket; further calls are ignored.</summary>
    void Close();

    /// <summary>
    /// The call starts (true) or stops (false) listening for speech. Most sessions always carry the caller's audio and
    /// ignore it; one whose audio is brought on demand (an Asterisk channel's, over ARI) opens or closes its path.
    /// </summary>
    void Listening(bool listening)
    {
    }
}
