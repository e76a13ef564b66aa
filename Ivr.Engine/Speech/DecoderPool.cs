using System.Collections.Concurrent;

namespace Ivr.Engine.Speech;

/// <summary>
/// Idle decoders ready for lease: a session takes one at start-of-speech and gives it back at completion, so the
/// ~90 ms model load happens once per decoder, not per utterance. Grows on demand; keeps at most a bounded number idle.
/// </summary>
internal sealed class DecoderPool : IDisposable
{
    private readonly Func<PocketSphinxDecoder> _factory;
    private readonly int _maxIdle;
    private readonly ConcurrentBag<PocketSphinxDecoder> _idle = [];
    private int _created;
    private int _idleCount;
    private bool _disposed;

    public DecoderPool(Func<PocketSphinxDecoder> factory, int maxIdle)
    {
        _factory = factory;
        _maxIdle = Math.Max(1, maxIdle);
    }

    public int Created => Volatile.Read(ref _created);

    public int Idle => Volatile.Read(ref _idleCount);

    public PocketSphinxDecoder Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var decoder))
        {
            Interlocked.Decrement(ref _idleCount);
            return decoder;
        }

        decoder = _factory();
        Interlocked.Increment(ref _created);
        return decoder;
    }

    public void Return(PocketSphinxDecoder decoder)
    {
        if (_disposed || Interlocked.Increment(ref _idleCount) > _maxIdle)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            decoder.Dispose();
            return;
        }

        _idle.Add(decoder);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var decoder))
        {
            decoder.Dispose();
        }
    }
}
