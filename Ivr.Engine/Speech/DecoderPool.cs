namespace Ivr.Engine.Speech;

/// <summary>
/// Idle decoders ready for lease: a session takes one at start-of-speech and gives it back at completion, so a model
/// load (~100–250 ms, and loads run one at a time) happens once per decoder, not per utterance. Grows on demand and keeps
/// what a burst of simultaneous speakers needed — up to a cap — so the next burst loads nothing; decoders left idle
/// longer than their lifetime are freed, down to the warm minimum.
/// </summary>
internal sealed class DecoderPool : IDisposable
{
    private readonly Func<PocketSphinxDecoder> _factory;
    private readonly DecoderPoolLimits _limits;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Stack<(PocketSphinxDecoder Decoder, long ReturnedAt)> _idle = new();
    private readonly ITimer? _trim;
    private int _created;
    private bool _disposed;

    public DecoderPool(Func<PocketSphinxDecoder> factory, DecoderPoolLimits limits, TimeProvider? time = null)
    {
        _factory = factory;
        _limits = limits;
        _time = time ?? TimeProvider.System;
        // Returns trim too; the timer frees what a burst left behind when no call comes back to return a decoder.
        if (limits.IdleLifetime > TimeSpan.Zero && limits.IdleLifetime != Timeout.InfiniteTimeSpan)
        {
            _trim = _time.CreateTimer(_ => Trim(), null, limits.IdleLifetime, limits.IdleLifetime);
        }
    }

    /// <summary>Decoders created so far (each one a model load).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Decoders waiting in the pool.</summary>
    public int Idle
    {
        get
        {
            lock (_gate) return _idle.Count;
        }
    }

    /// <summary>An idle decoder (the most recently returned), or a new one.</summary>
    public PocketSphinxDecoder Rent()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var entry)) return entry.Decoder;
        }

        var decoder = _factory();
        Interlocked.Increment(ref _created);
        return decoder;
    }

    /// <summary>Takes <paramref name="decoder"/> back (freed when the pool is full or disposed) and frees decoders idle too long.</summary>
    public void Return(PocketSphinxDecoder decoder)
    {
        List<PocketSphinxDecoder>? free = null;
        lock (_gate)
        {
            if (_disposed || _idle.Count >= _limits.MaxIdle)
            {
                (free ??= []).Add(decoder);
            }
            else
            {
                _idle.Push((decoder, _time.GetTimestamp()));
            }

            free = TrimLocked(free);
        }

        free?.ForEach(d => d.Dispose());
    }

    /// <summary>Frees decoders idle longer than the lifetime beyond the warm minimum; returns how many were freed.</summary>
    public int Trim()
    {
        List<PocketSphinxDecoder>? free;
        lock (_gate) free = _disposed ? null : TrimLocked(null);
        free?.ForEach(d => d.Dispose());
        return free?.Count ?? 0;
    }

    public void Dispose()
    {
        _trim?.Dispose();
        List<PocketSphinxDecoder> free;
        lock (_gate)
        {
            _disposed = true;
            free = _idle.Select(e => e.Decoder).ToList();
            _idle.Clear();
        }

        free.ForEach(d => d.Dispose());
    }

    // The stack keeps the most recently used on top, so the longest idle are at the bottom: rebuild without those that
    // outlived the lifetime while more than the warm minimum remain.
    private List<PocketSphinxDecoder>? TrimLocked(List<PocketSphinxDecoder>? free)
    {
        if (_idle.Count <= _limits.MinIdle) return free;
        var now = _time.GetTimestamp();
        var entries = _idle.ToArray(); // top first
        var keep = entries.Length;
        while (keep > _limits.MinIdle && _time.GetElapsedTime(entries[keep - 1].ReturnedAt, now) > _limits.IdleLifetime)
        {
            (free ??= []).Add(entries[--keep].Decoder);
        }

        if (keep == entries.Length) return free;
        _idle.Clear();
        for (var i = keep - 1; i >= 0; i--) _idle.Push(entries[i]);
        return free;
    }
}

/// <summary>How many idle decoders a <see cref="DecoderPool"/> keeps, and for how long.</summary>
/// <param name="MinIdle">Kept however long they are idle (the warm-up count).</param>
/// <param name="MaxIdle">Kept at most; a decoder returned to a full pool is freed.</param>
/// <param name="IdleLifetime">An idle decoder beyond <paramref name="MinIdle"/> unused this long is freed.</param>
internal readonly record struct DecoderPoolLimits(int MinIdle, int MaxIdle, TimeSpan IdleLifetime);
