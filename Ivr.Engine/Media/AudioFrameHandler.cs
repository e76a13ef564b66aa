namespace Ivr.Engine.Media;

/// <summary>Receives one frame of decoded caller audio (8 kHz mono PCM); the span is only valid during the call.</summary>
public delegate void AudioFrameHandler(ReadOnlySpan<short> samples);
