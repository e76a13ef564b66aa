using Ivr.Engine.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>The call actor's operations side: its timeline on the <see cref="CallBoard"/> and its log scopes.</summary>
public sealed partial class CallActor
{
    /// <summary>The actor type in <see cref="ActorMetrics"/>.</summary>
    public const string ActorType = "call";

    private readonly CallTimeline _timeline;

    // Every line a call logs carries its Call-ID and its flow (CallLogScope).
    private IDisposable? BeginCallScope() => _log.BeginScope(_scope);
}
