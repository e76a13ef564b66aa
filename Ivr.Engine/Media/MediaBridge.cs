namespace Ivr.Engine.Media;

/// <summary>
/// Joins two call legs (a caller and an agent): audio decoded on one is queued, as PCM, to be re-encoded and sent on
/// the other in that leg's own codec and packet time (so PCMU ↔ PCMA and 20 ↔ 30 ms transcode naturally,
/// RFC 3551 §4.5.14), and DTMF received on one is regenerated on the other (RFC 4733 §2.5: events, not tones).
/// Nothing is allocated per frame; disposing the bridge unhooks both legs and leaves them running. It knows the legs only
/// through the media seam (<see cref="IMediaSession"/>), so any two sessions bridge, whatever carries them.
/// </summary>
public sealed class MediaBridge : IDisposable
{
    private readonly IMediaSession _a;
    private readonly IMediaSession _b;
    private readonly AudioFrameHandler _aToB;
    private readonly AudioFrameHandler _bToA;
    private readonly Action<char> _dtmfAToB;
    private readonly Action<char> _dtmfBToA;
    private int _disposed;
    private int _digitsDropped;

    /// <summary>Connects <paramref name="a"/> and <paramref name="b"/> both ways, from now on.</summary>
    public MediaBridge(IMediaSession a, IMediaSession b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("A bridge needs two different legs.", nameof(b));
        }

        _a = a;
        _b = b;
        _aToB = b.SendAudio;
        _bToA = a.SendAudio;
        _dtmfAToB = digit => Relay(b, digit);
        _dtmfBToA = digit => Relay(a, digit);
        a.AudioReceived += _aToB;
        b.AudioReceived += _bToA;
        a.DtmfReceived += _dtmfAToB;
        b.DtmfReceived += _dtmfBToA;
    }

    /// <summary>Digits that could not be relayed because the other leg negotiated no telephone-event.</summary>
    public int DigitsDropped => Volatile.Read(ref _digitsDropped);

    /// <summary>Unhooks both legs (idempotent); the sessions keep running and fall back to comfort silence.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _a.AudioReceived -= _aToB;
        _b.AudioReceived -= _bToA;
        _a.DtmfReceived -= _dtmfAToB;
        _b.DtmfReceived -= _dtmfBToA;
    }

    private void Relay(IMediaSession target, char digit)
    {
        if (target.Format.DtmfPayloadType is null)
        {
            Interlocked.Increment(ref _digitsDropped);
            return;
        }

        target.SendDtmf(digit);
    }
}
