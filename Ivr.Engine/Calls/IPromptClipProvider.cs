using Ivr.Engine.Media;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>Turns a resolved prompt into audio: a sound file under <c>sounds/</c>, or its text synthesized.</summary>
public interface IPromptClipProvider
{
    /// <summary>The clip for <paramref name="prompt"/>, or null when it has no playable audio (text-only without TTS, missing file).</summary>
    AudioClip? Find(ResolvedPrompt prompt);

    /// <summary>The clip for <paramref name="prompt"/>, synthesizing its text when it has no playable sound yet (null when nothing can be played).</summary>
    ValueTask<AudioClip?> RenderAsync(ResolvedPrompt prompt, CancellationToken cancellationToken = default) => ValueTask.FromResult(Find(prompt));

    /// <summary>The playable clips of <paramref name="prompts"/>, in order (those with no audio skipped, as <see cref="Find"/> says).</summary>
    List<AudioClip> FindAll(IEnumerable<ResolvedPrompt> prompts) => [.. prompts.Select(Find).OfType<AudioClip>()];

    /// <summary>The clip of a sound file relative to the sounds folder (e.g. <c>common/beep.wav</c>), or null when missing.</summary>
    AudioClip? FindSound(string relativePath);
}
