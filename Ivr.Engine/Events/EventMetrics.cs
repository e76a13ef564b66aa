using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Events;

/// <summary>
/// The events' and contact history's figures (meter <c>Ivr.Events</c>, on <c>/metrics</c>): events written to the outbox,
/// delivered, failed attempts, events that could not be written, and the outbox's depth.
/// </summary>
public sealed class EventMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Events";

    private readonly Meter _meter;
    private long _depth;

    /// <summary>Creates the instruments (on <paramref name="factory"/>'s meter when given).</summary>
    public EventMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        Written = _meter.CreateCounter<long>("ivr.events.written", description: "Events written to the outbox (one per event and webhook), by type.");
        Sent = _meter.CreateCounter<long>("ivr.events.sent", description: "Events delivered to a webhook (2xx), by webhook.");
        Failed = _meter.CreateCounter<long>("ivr.events.failed", description: "Delivery attempts that failed (refused, timed out, non-2xx), by webhook; retried later.");
        WriteFailed = _meter.CreateCounter<long>("ivr.events.write_failed", description: "Events that could not be written to the outbox at a try (kept in memory and tried again).");
        Dropped = _meter.CreateCounter<long>("ivr.events.dropped", description: "Events lost: the outbox stayed unwritable and the memory bound (Events:MaxUnwritten) was reached.");
        LoopFailed = _meter.CreateCounter<long>("ivr.events.loop_failed", description: "Unexpected failures of the tap's or the dispatcher's loop (logged; the loop goes on), by loop.");
        ContactWriteFailed = _meter.CreateCounter<long>("ivr.contacts.write_failed", description: "Contact-history rows that could not be written at a try (tried again).");
        _meter.CreateObservableGauge("ivr.events.outbox_depth", () => Volatile.Read(ref _depth), description: "Events waiting in the outbox (all webhooks), as last counted by this node.");
    }

    /// <summary>Events written, tagged <c>type</c>.</summary>
    public Counter<long> Written { get; }

    /// <summary>Events delivered, tagged <c>webhook</c>.</summary>
    public Counter<long> Sent { get; }

    /// <summary>Failed delivery attempts, tagged <c>webhook</c>.</summary>
    public Counter<long> Failed { get; }

    /// <summary>Events not written at a try.</summary>
    public Counter<long> WriteFailed { get; }

    /// <summary>Events dropped after the memory bound.</summary>
    public Counter<long> Dropped { get; }

    /// <summary><c>ivr.events.loop_failed</c>: unexpected failures of a loop, which goes on.</summary>
    public Counter<long> LoopFailed { get; }

    /// <summary>Contact rows not written at a try.</summary>
    public Counter<long> ContactWriteFailed { get; }

    /// <summary>The outbox's depth as last counted.</summary>
    public long Depth => Volatile.Read(ref _depth);

    /// <summary>Sets the depth last counted.</summary>
    public void SetDepth(long depth) => Volatile.Write(ref _depth, depth);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
