using Akka.Actor;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>Prompt audio of a call: clips ready now are queued at once; text still to synthesize is rendered off the actor.</summary>
public sealed partial class CallActor
{
    /// <summary>Queues the clips of <paramref name="prompts"/>; false when some must be synthesized first (PromptsRendered follows).</summary>
    private bool EnqueuePromptClips(IReadOnlyList<ResolvedPrompt> prompts)
    {
        var missing = false;
        foreach (var prompt in prompts)
        {
            if (prompt.Text is not null && _services.Prompts.Find(prompt) is null) missing = true;
        }

        if (!missing)
        {
            foreach (var prompt in prompts)
            {
                if (_services.Prompts.Find(prompt) is { } clip) _clips.Enqueue(clip);
            }
            return true;
        }

        var generation = Interlocked.Increment(ref _generation);
        var provider = _services.Prompts;
        var log = _log;
        RenderAllAsync(provider, prompts).PipeTo(
            Self,
            success: clips => new PromptsRendered(generation, clips),
            failure: ex =>
            {
                log.LogWarning(ex, "Prompt synthesis failed; the prompt is skipped");
                return new PromptsRendered(generation, []);
            });
        return false;
    }

    private static async Task<AudioClip?[]> RenderAllAsync(IPromptClipProvider provider, IReadOnlyList<ResolvedPrompt> prompts)
    {
        var clips = new AudioClip?[prompts.Count];
        for (var i = 0; i < clips.Length; i++) clips[i] = await provider.RenderAsync(prompts[i]).ConfigureAwait(false);
        return clips;
    }

    private void OnPromptsRendered(PromptsRendered m)
    {
        // Stopped or replaced while rendering (barge-in, DTMF, hang-up): the newer playback wins.
        if (m.Generation != Volatile.Read(ref _generation) || _playback != Playback.Flow) return;
        foreach (var clip in m.Clips)
        {
            if (clip is not null) _clips.Enqueue(clip);
        }
        PlayNext();
    }
}
