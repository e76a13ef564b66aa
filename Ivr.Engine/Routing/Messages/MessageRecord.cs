namespace Ivr.Engine.Routing.Messages;

/// <summary>A caller's recorded message (voicemail) and where its audio lives.</summary>
/// <param name="Id">Unique id (also the WAV file's name).</param>
/// <param name="Skill">The skill the caller was waiting for.</param>
/// <param name="CallerNumber">The caller ID, if known.</param>
/// <param name="StartedAt">When the recording started.</param>
/// <param name="Duration">Length of the recording.</param>
/// <param name="WavPath">Path of the WAV file, relative to the messages folder's parent (e.g. <c>data/messages/…wav</c>).</param>
public sealed record MessageRecord(string Id, string Skill, string? CallerNumber, DateTimeOffset StartedAt, TimeSpan Duration, string WavPath);
