using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Asterisk.Ari;

/// <summary>ARI figures (meter <c>Ivr.Asterisk.Ari</c>): caller audio paths opened for speech, and failures by reason.</summary>
public sealed class AriMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Asterisk.Ari";

    private readonly Meter _meter;
    private long _opened;
    private long _open;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/> (null: a private meter).</summary>
    public AriMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.asterisk.ari.media.opened", () => Opened, description: "Caller audio paths (snoop, externalMedia, bridge) opened for speech over ARI");
        _meter.CreateObservableGauge("ivr.asterisk.ari.media.open", () => Open, description: "Caller audio paths open now");
        _meter.CreateObservableCounter("ivr.asterisk.ari.errors", Errors.Observe, description: "ARI requests that failed (the call fell back to keys, or a teardown failed), by reason");
    }

    /// <summary>Audio paths opened.</summary>
    public long Opened => Interlocked.Read(ref _opened);

    /// <summary>Audio paths open now.</summary>
    public long Open => Interlocked.Read(ref _open);

    /// <summary>Failures by reason (<c>connect</c>, <c>auth</c>, <c>status</c>, <c>timeout</c>, <c>reply</c>, <c>media</c>, <c>teardown</c>).</summary>
    public TaggedCounts Errors { get; } = new("reason");

    /// <summary>Counts an audio path opened.</summary>
    public void MediaOpened()
    {
        Interlocked.Increment(ref _opened);
        Interlocked.Increment(ref _open);
    }

    /// <summary>Counts an audio path closed.</summary>
    public void MediaClosed() => Interlocked.Decrement(ref _open);

    /// <summary>Counts a failure of <paramref name="reason"/>.</summary>
    public void Error(string reason) => Errors.Add(reason);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
