using Ivr.Engine.Speech;

namespace Ivr.Engine.Calls;

// Re-posted from the media thread by the call's SpeechListener, tagged with the listening turn they belong to.
// AudioAt: where the caller's audio stream was when speech was detected (RTP time; null when the media cannot tell).
internal sealed record SpeechStarted(int Turn, TimeSpan? AudioAt);

internal sealed record SpeechRecognized(int Turn, RecognitionResult Result);

internal sealed record PromptsRendered(int Generation, IReadOnlyList<Ivr.Engine.Media.AudioClip?> Clips);
