using System.Diagnostics;
using Ivr.Engine.Media;

namespace Ivr.Tests.Media;

/// <summary>Records what a session receives (arrival time, frame size, loudness, dominant test tone) and digits.</summary>
internal sealed class FrameLog
{
    private readonly Lock _gate = new();
    private readonly List<Frame> _frames = [];
    private readonly List<char> _digits = [];

    public FrameLog(IMediaSession session)
    {
        session.AudioReceived += OnAudio;
        session.DtmfReceived += OnDigit;
    }

    public Probe Probe { get; } = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _frames.Count;
            }
        }
    }

    public string Digits
    {
        get
        {
            lock (_gate)
            {
                return new string([.. _digits]);
            }
        }
    }

    public List<Frame> Snapshot()
    {
        lock (_gate)
        {
            return [.. _frames];
        }
    }

    public int CountLoud(double frequency) => Snapshot().Count(f => f.IsTone(frequency));

    public Task WaitAsync(Func<FrameLog, bool> condition, string what) =>
        Probe.WaitAsync(() => condition(this), MediaRig.Timeout, what);

    private void OnAudio(ReadOnlySpan<short> samples)
    {
        var frame = new Frame(
            Stopwatch.GetTimestamp(),
            samples.Length,
            Signal.Rms(samples),
            Signal.PowerAt(samples, 440, 8000),
            Signal.PowerAt(samples, 1000, 8000));
        lock (_gate)
        {
            _frames.Add(frame);
        }

        Probe.Pulse();
    }

    private void OnDigit(char digit)
    {
        lock (_gate)
        {
            _digits.Add(digit);
        }

        Probe.Pulse();
    }

    internal sealed record Frame(long Arrival, int Samples, double Rms, double Power440, double Power1000)
    {
        public bool IsTone(double frequency)
        {
            if (Rms < 1000)
            {
                return false;
            }

            return frequency == 440 ? Power440 > Power1000 * 10 : Power1000 > Power440 * 10;
        }
    }

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    /// <summary>Gaps between consecutive arrivals, in milliseconds.</summary>
    public static List<double> GapsMs(IReadOnlyList<Frame> frames) =>
        [.. frames.Zip(frames.Skip(1), (x, y) => (y.Arrival - x.Arrival) * 1000.0 / Stopwatch.Frequency)];
}
