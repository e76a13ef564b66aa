using Akka.Actor;
using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>What the caller hears at a time (a call plays one of these at once).</summary>
public enum PlaybackKind
{
    /// <summary>Nothing (silence).</summary>
    None,

    /// <summary>A flow's prompt; its end goes to the flow run.</summary>
    Flow,

    /// <summary>Hold audio in a queue, looped.</summary>
    Hold,

    /// <summary>The beep before a recording.</summary>
    Beep,

    /// <summary>An engine announcement in the queue (position, wait, offer, refusal).</summary>
    Announce,

    /// <summary>The engine's last words after the flow ended (a message not kept); its end hangs up.</summary>
    Goodbye,
}

/// <summary>
/// The caller's playback over their leg: one kind at a time, hold audio looped, prompts still being synthesized held by a
/// token so a stopped or replaced prompt never starts late, and ends of playback told apart from stale ones. Runs on the
/// owning actor's thread only (no locks); unit-testable over any <see cref="ILeg"/>.
/// </summary>
public sealed class CallPlayback
{
    private readonly ILeg _leg;
    private IReadOnlyList<AudioClip> _hold = [];
    private int _play;
    private int _rendering;
    private PlaybackKind _renderingKind;

    /// <summary>Plays on <paramref name="leg"/>.</summary>
    public CallPlayback(ILeg leg)
    {
        ArgumentNullException.ThrowIfNull(leg);
        _leg = leg;
    }

    /// <summary>What plays now, or is about to (a flow prompt being synthesized counts as <see cref="PlaybackKind.Flow"/>).</summary>
    public PlaybackKind Kind { get; private set; }

    /// <summary>Replaces what plays with <paramref name="clips"/> of <paramref name="kind"/> (none: it ends at once).</summary>
    public void Play(PlaybackKind kind, IReadOnlyList<AudioClip> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        _rendering++;
        Kind = kind;
        if (kind == PlaybackKind.Hold) _hold = clips;
        _play = _leg.Play(clips);
    }

    /// <summary>
    /// Plays <paramref name="prompts"/> as <paramref name="kind"/>: at once when every part has audio; otherwise the text
    /// is synthesized off the actor and <paramref name="actor"/> gets <see cref="PromptsRendered"/> to play it
    /// (<see cref="Rendered"/>) unless overtaken. What played before stops now either way.
    /// </summary>
    public void PlayPrompts(PlaybackKind kind, IReadOnlyList<ResolvedPrompt> prompts, IPromptClipProvider provider, IActorRef actor, ILogger log)
    {
        if (prompts.All(p => p.Text is null || provider.Find(p) is not null))
        {
            Play(kind, provider.FindAll(prompts));
            return;
        }
        var token = BeginRendering(kind);
        RenderAllAsync(provider, prompts).PipeTo(actor, success: clips => new PromptsRendered(token, clips), failure: ex =>
        {
            log.LogWarning(ex, "Prompt synthesis failed; the prompt is skipped");
            return new PromptsRendered(token, []);
        });
    }

    /// <summary>Loops <paramref name="clips"/> as hold audio; with none, silence.</summary>
    public void Hold(IReadOnlyList<AudioClip> clips)
    {
        if (clips.Count == 0)
        {
            Stop();
            return;
        }
        Play(PlaybackKind.Hold, clips);
    }

    /// <summary>
    /// Prompts of <paramref name="kind"/> whose text is being synthesized: what played stops now, and the returned token
    /// starts them in <see cref="Rendered"/> unless something else was played or stopped meanwhile.
    /// </summary>
    public int BeginRendering(PlaybackKind kind = PlaybackKind.Flow)
    {
        Stop();
        Kind = kind;
        _renderingKind = kind;
        return ++_rendering;
    }

    /// <summary>Plays the synthesized clips of token <paramref name="token"/> (none: it ends at once); false when it was overtaken.</summary>
    public bool Rendered(int token, IReadOnlyList<AudioClip> clips)
    {
        if (token != _rendering || Kind != _renderingKind) return false;
        Play(_renderingKind, clips);
        return true;
    }

    /// <summary>Stops what plays (silence follows); nothing of it is reported as finished.</summary>
    public void Stop()
    {
        _rendering++;
        if (Kind == PlaybackKind.None) return;
        Kind = PlaybackKind.None;
        _leg.StopPlayback();
    }

    /// <summary>
    /// The leg says play <paramref name="play"/> ended: the kind that finished (hold audio starts over and is reported as
    /// <see cref="PlaybackKind.Hold"/>), or <see cref="PlaybackKind.None"/> for a stale end.
    /// </summary>
    public PlaybackKind Finished(int play)
    {
        if (play != _play || Kind == PlaybackKind.None) return PlaybackKind.None;
        var kind = Kind;
        if (kind == PlaybackKind.Hold)
        {
            _play = _leg.Play(_hold);
            return kind;
        }
        Kind = PlaybackKind.None;
        return kind;
    }

    private static async Task<AudioClip?[]> RenderAllAsync(IPromptClipProvider provider, IReadOnlyList<ResolvedPrompt> prompts)
    {
        var clips = new AudioClip?[prompts.Count];
        for (var i = 0; i < clips.Length; i++) clips[i] = await provider.RenderAsync(prompts[i]).ConfigureAwait(false);
        return clips;
    }
}
