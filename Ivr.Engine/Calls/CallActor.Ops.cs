using Ivr.Engine.Ops;

namespace Ivr.Engine.Calls;

/// <summary>The call actor's operations side: its timeline on the <see cref="CallBoard"/> and its log scopes.</summary>
public sealed partial class CallActor
{
    /// <summary>The actor type in <see cref="ActorMetrics"/>.</summary>
    public const string ActorType = "call";

    private readonly CallFlowLogScope _flowScope;
    private readonly CallTimeline _timeline;

    // Every line a call logs carries its Call-ID (CallLogScope) and its flow (CallFlowLogScope).
    private CallScopes BeginCallScope() => new(_log.BeginScope(_scope), _log.BeginScope(_flowScope));

    private readonly struct CallScopes(IDisposable? callId, IDisposable? flow) : IDisposable
    {
        public void Dispose()
        {
            flow?.Dispose();
            callId?.Dispose();
        }
    }
}
