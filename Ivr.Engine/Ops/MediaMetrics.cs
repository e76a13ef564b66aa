using System.Diagnostics.Metrics;
using Ivr.Engine.Media;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Ops;

/// <summary>
/// Media figures (meter <c>Ivr.Media</c>): RTP packets in and out, dropped datagrams, DTMF events, the shared pacer's late
/// sends, lateness percentiles, stalls and faults. Every instrument is observable over counters the RTP path already keeps
/// with one interlocked increment, so the per-packet cost of metrics is zero allocations (see <c>MediaMetricsBenchmarks</c>).
/// </summary>
public sealed class MediaMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Media";

    private readonly Meter _meter;
    private readonly Func<MediaCounters?> _counters;
    private readonly Func<MediaPacer?> _pacer;

    /// <summary>
    /// Observes the RTP <paramref name="counters"/> and the shared <paramref name="pacer"/> (both resolved at each
    /// collection; null until RTP media is plugged).
    /// </summary>
    public MediaMetrics(Func<MediaCounters?> counters, Func<MediaPacer?> pacer, IMeterFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(pacer);
        _counters = counters;
        _pacer = pacer;
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.media.rtp.packets_received", () => Counters?.PacketsReceived ?? 0, description: "RTP packets received from callers");
        _meter.CreateObservableCounter("ivr.media.rtp.packets_sent", () => Pacer?.PacketsSent ?? 0, description: "RTP packets sent by the pacer");
        _meter.CreateObservableCounter("ivr.media.rtp.packets_ignored", () => Counters?.PacketsIgnored ?? 0, description: "Datagrams dropped on RTP ports (not RTP, RTCP, unexpected source)");
        _meter.CreateObservableCounter("ivr.media.rtp.nat_latched", () => Counters?.NatLatched ?? 0, description: "Calls whose peer's RTP came from another address than its SDP named (behind NAT): sent there since");
        _meter.CreateObservableCounter("ivr.media.srtp.auth_failures", () => Counters?.SrtpAuthenticationFailures ?? 0, description: "SRTP packets dropped: authentication tag did not match");
        _meter.CreateObservableCounter("ivr.media.srtp.replays", () => Counters?.SrtpReplays ?? 0, description: "SRTP packets dropped as replays (RFC 3711 §3.3.2)");
        _meter.CreateObservableCounter("ivr.media.dtmf.received", () => Counters?.DtmfReceived ?? 0, description: "RFC 4733 key presses received");
        _meter.CreateObservableCounter("ivr.media.dtmf.sent", () => Counters?.DtmfSent ?? 0, description: "RFC 4733 digits sent");
        _meter.CreateObservableCounter("ivr.media.pacing.late_sends", () => Pacer?.LateSends ?? 0, description: "Packets sent more than 5 ms after their due time");
        _meter.CreateObservableCounter("ivr.media.pacing.stalls", () => Pacer?.Stalls ?? 0, description: "Times the pacing thread woke more than 50 ms late");
        _meter.CreateObservableCounter("ivr.media.pacing.faults", () => Pacer?.Faults ?? 0, description: "Exceptions contained in one session's send");
        _meter.CreateObservableGauge("ivr.media.pacing.lateness", ObserveLateness, unit: "s", description: "Send lateness of packets since start, by quantile (0.5, 0.99, 1 = worst)");
        _meter.CreateObservableUpDownCounter("ivr.media.sessions", () => (long)(Pacer?.SenderCount ?? 0), description: "RTP sessions registered with the pacer");
    }

    /// <summary>The RTP counters, null until RTP media is plugged.</summary>
    public MediaCounters? Counters => _counters();

    /// <summary>The shared pacer, null until RTP media is plugged.</summary>
    public MediaPacer? Pacer => _pacer();

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<double>> ObserveLateness()
    {
        if (Pacer is not { } pacer) yield break;
        yield return new Measurement<double>(pacer.GetLatenessPercentile(50).TotalSeconds, new KeyValuePair<string, object?>("quantile", "0.5"));
        yield return new Measurement<double>(pacer.GetLatenessPercentile(99).TotalSeconds, new KeyValuePair<string, object?>("quantile", "0.99"));
        yield return new Measurement<double>(pacer.MaxLateness.TotalSeconds, new KeyValuePair<string, object?>("quantile", "1"));
    }
}
