using Ivr.Engine.Media;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// One call leg: a SIP dialog plus its media session, the one place that does call I/O (play, listen, record, send keys,
/// bridge to another leg, hang up). Inbound calls, agent legs and callbacks are all legs; actors own them, the router never
/// touches one. Events reach the <see cref="ILegListener"/> on SIP and media threads (post them to the owning actor).
/// </summary>
public interface ILeg
{
    /// <summary>The dialog's Call-ID.</summary>
    string CallId { get; }

    /// <summary>The leg's media session (for listeners that read its audio: speech, recording, a bridge).</summary>
    IMediaSession Media { get; }

    /// <summary>True once the far end hung up or the leg was hung up; nothing is sent after that.</summary>
    bool IsEnded { get; }

    /// <summary>Reports digits, ends of playback and the far end's hang-up to <paramref name="listener"/> (one at a time; null detaches).</summary>
    void Attach(ILegListener? listener);

    /// <summary>
    /// Replaces what plays with <paramref name="clips"/>, back to back, and returns the play's number: the listener hears
    /// <see cref="ILegListener.PlaybackFinished"/> with it when the last clip ends (never for a play stopped or replaced).
    /// </summary>
    int Play(IReadOnlyList<AudioClip> clips);

    /// <summary>True while a play runs (started, neither ended nor stopped).</summary>
    bool IsPlaying { get; }

    /// <summary>Stops what plays (silence follows); its end is never reported.</summary>
    void StopPlayback();

    /// <summary>Joins this leg's audio and keys to <paramref name="other"/>'s both ways until the result is disposed.</summary>
    IDisposable BridgeTo(ILeg other);

    /// <summary>
    /// False when <see cref="BridgeTo"/> cannot work on this leg (its audio never reaches the engine, as on an Asterisk
    /// channel over FastAGI): a <c>queue</c> step then fails at once instead of ringing an agent it cannot connect.
    /// </summary>
    bool CanBridge => true;

    /// <summary>
    /// Ends the leg: the media closes, then BYE unless the far end hung up (RFC 3261 §15.1.1). Idempotent; never throws
    /// (a BYE that fails is logged: the dialog is over for us either way).
    /// </summary>
    Task HangupAsync(CancellationToken cancellationToken);

    /// <summary>Closes the media without signalling (the far end hung up, or the dialog never existed). Idempotent.</summary>
    void CloseMedia();
}
