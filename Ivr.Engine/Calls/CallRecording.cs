using Ivr.Engine.Media;

namespace Ivr.Engine.Calls;

/// <summary>Writes the caller's decoded audio to a WAV file from the media session's <see cref="IMediaSession.AudioReceived"/>.</summary>
internal sealed class CallRecording
{
    private readonly Lock _gate = new();
    private readonly IMediaSession _media;
    private readonly AudioFrameHandler _handler;
    private WavWriter? _writer;

    private CallRecording(IMediaSession media, string path)
    {
        _media = media;
        Path = path;
        _handler = Write;
    }

    public string Path { get; }

    /// <summary>
    /// Starts recording: listening to the caller's audio before the file appears, under the writer's lock, so every frame
    /// after the file exists is in it (a frame arriving meanwhile waits for the writer).
    /// </summary>
    public static CallRecording Start(IMediaSession media, string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var recording = new CallRecording(media, path);
        lock (recording._gate)
        {
            media.AudioReceived += recording._handler;
            try
            {
                recording._writer = WavWriter.Create(path);
            }
            catch
            {
                media.AudioReceived -= recording._handler;
                throw;
            }
        }

        return recording;
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
