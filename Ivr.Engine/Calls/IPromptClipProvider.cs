using Ivr.Engine.Media;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>Turns a resolved prompt into audio: a sound file under <c>sounds/</c> today, synthesized speech later.</summary>
public interface IPromptClipProvider
{
    /// <summary>The clip for <paramref name="prompt"/>, or null when it has no playable audio (text-only without TTS, missing file).</summary>
    AudioClip? Find(ResolvedPrompt prompt);

    /// <summary>The clip of a sound file relative to the sounds folder (e.g. <c>common/beep.wav</c>), or null when missing.</summary>
    AudioClip? FindSound(string relativePath);
}
