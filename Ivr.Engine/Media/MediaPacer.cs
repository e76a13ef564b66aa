using System.Diagnostics;

namespace Ivr.Engine.Media;

/// <summary>
/// The one pacing loop for every call's outgoing RTP: a dedicated thread ticks every 10 ms on absolute
/// <see cref="Stopwatch"/> deadlines (tick k at start + k·10 ms, so errors never accumulate) and lets each registered
/// <see cref="IPacedSender"/> send what is due (RFC 3551 §4.5.14 / §4.2: 20 ms packets every 2nd tick, 30 ms every 3rd).
/// This is the only class that owns a real clock. Registration edits one list under a lock and each tick copies it
/// into an array the tick owns, so neither allocates once the arrays have grown to the number of live calls (a
/// copy-on-write array would allocate one array of every live sender per call set up or torn down).
/// </summary>
public sealed class MediaPacer : IDisposable
{
    /// <summary>Tick period: the greatest common divisor of the packet times we send (10, 20, 30 ms…).</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>A packet sent more than this after its due time counts as a late send.</summary>
    public static readonly TimeSpan LateThreshold = TimeSpan.FromMilliseconds(5);

    private const int HistogramBucketMicros = 100;
    private const int HistogramBuckets = 1000;

    // Below this much time left, spin instead of sleeping: Thread.Sleep has 1 ms granularity and overshoots.
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000;
    private static readonly long StallTicks = Stopwatch.Frequency / 20;

    private readonly Lock _registration = new();
    private readonly Lock _ticking = new();
    private readonly long _tickTicks = (long)(TickInterval.TotalSeconds * Stopwatch.Frequency);
    private readonly long _lateTicks = (long)(LateThreshold.TotalSeconds * Stopwatch.Frequency);
    private readonly long[] _lateness = new long[HistogramBuckets + 1];
    private readonly Thread? _thread;

    // Set while any sender is registered: with none (an engine without calls) the thread parks on it instead of
    // ticking every 10 ms — ticking idle cost 10 % of a core in sleeps and the spin before each deadline.
    private readonly ManualResetEventSlim _busy = new(false);
    private IPacedSender?[] _senders = new IPacedSender?[16];
    private int _senderCount;
    private IPacedSender?[] _tickSenders = new IPacedSender?[16];
    private volatile bool _stopping;
    private long _ticks;
    private long _packetsSent;
    private long _lateSends;
    private long _maxLatenessTicks;
    private long _faults;
    private long _stalls;

    /// <summary>
    /// Creates the pacer; with <paramref name="autoStart"/> (the default) its thread starts ticking now, otherwise
    /// <see cref="Tick(long)"/> is driven by hand (benchmarks and deterministic tests).
    /// </summary>
    public MediaPacer(bool autoStart = true)
    {
        if (autoStart)
        {
            _thread = new Thread(Run)
            {
                IsBackground = true,
                Name = "ivr-media-pacer",
                Priority = ThreadPriority.Highest,
            };
            _thread.Start();
        }
    }

    /// <summary>Senders currently registered.</summary>
    public int SenderCount
    {
        get
        {
            lock (_registration)
            {
                return _senderCount;
            }
        }
    }

    /// <summary>Ticks run so far.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Packets reported through <see cref="RecordSend(long)"/>.</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Packets sent more than <see cref="LateThreshold"/> after their due time.</summary>
    public long LateSends => Interlocked.Read(ref _lateSends);

    /// <summary>The worst lateness of any packet so far.</summary>
    public TimeSpan MaxLateness => TimeSpan.FromSeconds(Interlocked.Read(ref _maxLatenessTicks) / (double)Stopwatch.Frequency);

    /// <summary>Exceptions thrown by senders' <see cref="IPacedSender.OnTick"/> (each is contained to its sender).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Times the thread woke more than 50 ms late (process stalled) and skipped the missed ticks.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Adds a sender; it is ticked from the next tick on. Registering twice is ignored.</summary>
    public void Register(IPacedSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        lock (_registration)
        {
            if (Array.IndexOf(_senders, sender, 0, _senderCount) >= 0)
            {
                return;
            }

            if (_senderCount == _senders.Length)
            {
                Array.Resize(ref _senders, _senders.Length * 2);
            }

            _senders[_senderCount++] = sender;
            _busy.Set();
        }
    }

    /// <summary>Removes a sender; a tick already in progress may still call it once.</summary>
    public void Unregister(IPacedSender sender)
    {
        lock (_registration)
        {
            var index = Array.IndexOf(_senders, sender, 0, _senderCount);
            if (index < 0)
            {
                return;
            }

            // Shifted, not swapped with the last: the others keep their order, so their place within a tick (and so
            // their packet spacing) does not jump.
            Array.Copy(_senders, index + 1, _senders, index, _senderCount - index - 1);
            _senders[--_senderCount] = null;
            if (_senderCount == 0)
            {
                _busy.Reset();
            }
        }
    }

    /// <summary>Runs one tick scheduled at <paramref name="scheduled"/> (a Stopwatch timestamp) over every sender.</summary>
    public void Tick(long scheduled)
    {
        lock (_ticking)
        {
            int count;
            lock (_registration)
            {
                count = _senderCount;
                if (_tickSenders.Length < count)
                {
                    _tickSenders = new IPacedSender?[_senders.Length];
                }

                Array.Copy(_senders, _tickSenders, count);
            }

            var senders = _tickSenders;
            for (var i = 0; i < count; i++)
            {
                try
                {
                    senders[i]!.OnTick(this, scheduled);
                }
#pragma warning disable CA1031 // One faulty call must not stop the media of every other call.
                catch (Exception)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _faults);
                }
            }

            // Unreferenced, so a session that ended is not kept alive by the tick's copy.
            Array.Clear(senders, 0, count);
        }

        Interlocked.Increment(ref _ticks);
    }

    /// <summary>Accounts one packet, due at <paramref name="due"/> (Stopwatch timestamp), as sent now.</summary>
    public void RecordSend(long due)
    {
        var late = Stopwatch.GetTimestamp() - due;
        Interlocked.Increment(ref _packetsSent);
        if (late <= 0)
        {
            Interlocked.Increment(ref _lateness[0]);
            return;
        }

        if (late > _lateTicks)
        {
            Interlocked.Increment(ref _lateSends);
        }

        if (late > Interlocked.Read(ref _maxLatenessTicks))
        {
            Interlocked.Exchange(ref _maxLatenessTicks, late);
        }

        var bucket = (int)Math.Min(HistogramBuckets, late * 1_000_000 / Stopwatch.Frequency / HistogramBucketMicros);
        Interlocked.Increment(ref _lateness[bucket]);
    }

    /// <summary>
    /// The lateness under which <paramref name="percentile"/> % of packets were sent (100 µs resolution; 100 ms means
    /// "100 ms or more").
    /// </summary>
    public TimeSpan GetLatenessPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var total = 0L;
        foreach (ref var count in _lateness.AsSpan())
        {
            total += Interlocked.Read(ref count);
        }

        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (long)Math.Ceiling(total * percentile / 100);
        var seen = 0L;
        for (var i = 0; i < _lateness.Length; i++)
        {
            seen += Interlocked.Read(ref _lateness[i]);
            if (seen >= rank)
            {
                return TimeSpan.FromMicroseconds((i + (i == 0 ? 0 : 1)) * HistogramBucketMicros);
            }
        }

        return TimeSpan.FromMicroseconds(HistogramBuckets * HistogramBucketMicros);
    }

    /// <summary>Stops the pacing thread (senders stay registered but are no longer ticked).</summary>
    public void Dispose()
    {
        _stopping = true;
        _busy.Set();
        if (_thread is not null && _thread != Thread.CurrentThread)
        {
            _thread.Join();
            _busy.Dispose();
        }
    }

    private void Run()
    {
        var start = Stopwatch.GetTimestamp();
        var k = 0L;
        while (!_stopping)
        {
            if (!_busy.IsSet)
            {
                // Nothing to pace: sleep until a sender registers, then start a fresh 10 ms grid from that moment.
                _busy.Wait();
                start = Stopwatch.GetTimestamp();
                k = 0;
                continue;
            }

            k++;
            var deadline = start + (k * _tickTicks);
            WaitUntil(deadline);
            if (_stopping)
            {
                break;
            }

            var now = Stopwatch.GetTimestamp();
            if (now - deadline > StallTicks)
            {
                // The process was stalled: run one tick now and resume the grid from here, rather than a burst of
                // back-to-back ticks. Senders catch up (or skip) by their own due times.
                Interlocked.Increment(ref _stalls);
                k = (now - start) / _tickTicks;
                deadline = start + (k * _tickTicks);
            }

            Tick(deadline);
        }
    }

    private void WaitUntil(long deadline)
    {
        while (true)
        {
            var remaining = deadline - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > SpinTicks)
            {
                // Whole milliseconds only, leaving the last fraction to the spin below.
                var millis = (int)((remaining - SpinTicks) * 1000 / Stopwatch.Frequency);
                Thread.Sleep(Math.Max(1, millis));
                continue;
            }

            var spinner = default(SpinWait);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            return;
        }
    }
}
