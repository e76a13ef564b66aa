using System.Globalization;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// A call's recordings (the <c>message</c> step): where each goes (<c>data/messages/ID.wav</c> for a skill's message,
/// else the recordings folder), its finish keys and number (so a stale length limit is recognisable), the WAV writer over
/// the caller's audio, and the message's metadata once it is stopped. Runs on the owning actor's thread only.
/// </summary>
internal sealed class CallRecorder(IMediaSession media, string callName, string recordingsFolder, string? messagesFolder, TimeProvider time)
{
    private CallRecording? _recording;
    private RecordEffect? _effect;

    /// <summary>The number of the current (or last) recording of this call, from 1.</summary>
    public int Number { get; private set; }

    /// <summary>True while the caller's audio is being written.</summary>
    public bool IsRecording => _recording is not null;

    /// <summary>The id of the skill message being recorded, or null for an ordinary recording.</summary>
    public string? MessageId { get; private set; }

    /// <summary>When the skill message started.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>The skill the message is for, or null.</summary>
    public string? Skill => _effect?.Skill;

    /// <summary>Prepares a recording for <paramref name="effect"/> (it starts with <see cref="Start"/>, after the beep).</summary>
    public void Prepare(RecordEffect effect) => _effect = effect;

    /// <summary>True when <paramref name="digit"/> ends the recording.</summary>
    public bool IsFinishKey(char digit) => _effect is { } e && e.FinishKey.Contains(digit, StringComparison.Ordinal);

    /// <summary>The longest the current recording may run.</summary>
    public TimeSpan MaxLength => _effect?.MaxLength ?? TimeSpan.Zero;

    /// <summary>
    /// Numbers the next recording and chooses its path: a skill message (<paramref name="asMessage"/>, with a messages
    /// folder) gets a new message id, anything else <c>CALL-N.wav</c> in the recordings folder.
    /// </summary>
    public string Next(bool asMessage)
    {
        Number++;
        StartedAt = time.GetUtcNow();
        MessageId = null;
        if (!asMessage || Skill is null || messagesFolder is null) return Path.Combine(recordingsFolder, $"{callName}-{Number}.wav");
        MessageId = string.Create(CultureInfo.InvariantCulture, $"{StartedAt:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        return Path.Combine(messagesFolder, MessageId + ".wav");
    }

    /// <summary>Starts writing the caller's audio to <paramref name="path"/> (IO errors propagate; nothing is left running).</summary>
    public void Start(string path) => _recording = CallRecording.Start(media, path);

    /// <summary>Stops writing (idempotent); the path and length in seconds, or null when nothing was recording.</summary>
    public (string Path, double Seconds)? Stop()
    {
        if (_recording is not { } recording) return null;
        _recording = null;
        return (recording.Path, recording.Stop());
    }
}
