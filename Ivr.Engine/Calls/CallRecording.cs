using Ivr.Engine.Media;

namespace Ivr.Engine.Calls;

/// <summary>Writes the caller's decoded audio to a WAV file from the media session's <see cref="IMediaSession.AudioReceived"/>.</summary>
internal sealed class CallRecording
{
    private readonly Lock _gate = new();
    private readonly IMediaSession _media;
    private readonly AudioFrameHandler _handler;
    private WavWriter? _writer;

    private CallRecording(IMediaSession media, WavWriter writer, string path)
    {
        _media = media;
        _writer = writer;
        Path = path;
        _handler = Write;
        media.AudioReceived += _handler;
    }

    public string Path { get; }

    public static CallRecording Start(IMediaSession media, string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return new CallRecording(media, WavWriter.Create(path), path);
    }

    /// <summary>Stops writing and closes the file; returns the recorded length in seconds.</summary>
    public double Stop()
    {
        _media.AudioReceived -= _handler;
        lock (_gate)
        {
            if (_writer is not { } writer) return 0;
            _writer = null;
            var seconds = writer.SampleCount / (double)writer.SampleRate;
            writer.Dispose();
            return seconds;
        }
    }

    // Runs on the media thread.
    private void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            _writer?.Write(samples);
        }
    }
}
