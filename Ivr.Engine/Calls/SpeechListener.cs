using Ivr.Engine.Media;
using Ivr.Engine.Speech;

namespace Ivr.Engine.Calls;

/// <summary>
/// Streams a call's decoded audio (the media session's <see cref="IMediaSession.AudioReceived"/>, 20 ms frames as they
/// arrive) into the current listening turn's <see cref="IRecognitionSession"/>, on the media thread, never the actor's.
/// Start-of-speech (with where it is in the caller's audio stream) and the result are reported through the callbacks
/// (the actor re-posts them to itself), tagged with the turn so stale reports are recognisable. Nothing is allocated per frame.
/// </summary>
/// <remarks>
/// A turn's session is fed under the turn's own lock; starting or stopping a turn only swaps a reference and disposes
/// the old session on the thread pool (closing an utterance costs milliseconds), so the actor never waits.
/// </remarks>
internal sealed class SpeechListener : IDisposable
{
    private readonly IMediaSession _media;
    private readonly AudioFrameHandler _handler;
    private readonly Action<int, TimeSpan?> _started;
    private readonly Action<int, RecognitionResult> _completed;
    private Turn? _turn;
    private bool _disposed;

    public SpeechListener(IMediaSession media, Action<int, TimeSpan?> started, Action<int, RecognitionResult> completed)
    {
        _media = media;
        _started = started;
        _completed = completed;
        _handler = OnAudio;
        media.AudioReceived += _handler;
    }

    /// <summary>
    /// The last turn started, being fed or finished (its result reported), until <see cref="Stop"/> or the next
    /// <see cref="Start"/>; 0 when none. A finished turn stays current so its result, possibly still on its way to the
    /// actor, is not taken for a stale one when the step goes on listening with the same grammar.
    /// </summary>
    public int CurrentTurn => Volatile.Read(ref _turn)?.Id ?? 0;

    /// <summary>Feeds <paramref name="session"/> from the next frame on, as turn <paramref name="id"/>; the previous turn is dropped.</summary>
    public void Start(int id, IRecognitionSession session)
    {
        if (_disposed)
        {
            session.Dispose();
            return;
        }
        var turn = new Turn(id, session);
        Retire(Interlocked.Exchange(ref _turn, turn));
        // A result may also come later than the last frame (a cloud recognizer answers after end of speech).
        session.Completion.ContinueWith(
            static (task, state) =>
            {
                var (listener, t) = ((SpeechListener, Turn))state!;
                if (task.IsCompletedSuccessfully) listener.Report(t, task.Result);
            },
            (this, turn),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Stops feeding and drops the current turn (its decoder goes back to the pool).</summary>
    public void Stop() => Retire(Interlocked.Exchange(ref _turn, null));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _media.AudioReceived -= _handler;
        Stop();
    }

    private static void Retire(Turn? turn)
    {
        if (turn is null) return;
        ThreadPool.UnsafeQueueUserWorkItem(static t => t.Close(), turn, preferLocal: false);
    }

    // Runs on the media thread, once per received packet.
    private void OnAudio(ReadOnlySpan<short> frame)
    {
        var turn = Volatile.Read(ref _turn);
        if (turn is null) return;
        RecognitionSignal signal;
        RecognitionResult? result = null;
        lock (turn.Gate)
        {
            if (turn.Closed) return;
            signal = turn.Session.Feed(frame);
            if (signal == RecognitionSignal.Completed) result = turn.Session.Result;
        }

        if (signal == RecognitionSignal.SpeechStarted) _started(turn.Id, _media.ReceivedAudioPosition);
        else if (result is not null) Report(turn, result);
    }

    // Once per turn, from whichever comes first: the frame that completed it or its Completion task.
    private bool Report(Turn turn, RecognitionResult result)
    {
        if (Interlocked.Exchange(ref turn.Reported, 1) != 0) return false;
        Retire(turn);
        _completed(turn.Id, result);
        return true;
    }

    private sealed class Turn(int id, IRecognitionSession session)
    {
        public Lock Gate { get; } = new();

        public int Id { get; } = id;

        public IRecognitionSession Session { get; } = session;

        public bool Closed { get; set; }

#pragma warning disable SA1401, CA1051 // Interlocked needs the field.
        public int Reported;
#pragma warning restore SA1401, CA1051

        public void Close()
        {
            lock (Gate)
            {
                // A finished turn is retired when it reports and again when it is replaced or stopped.
                if (Closed) return;
                Closed = true;
                Session.Dispose();
            }
        }
    }
}
