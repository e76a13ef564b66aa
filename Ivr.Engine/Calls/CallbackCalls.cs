using Akka.Actor;
using Ivr.Engine.Routing.Live;

namespace Ivr.Engine.Calls;

/// <summary>
/// The calls the router asks for when a callback is due: one <see cref="CallbackCall"/> child per <see cref="DialCallback"/>
/// (customer, greeting, agent, bridge). The router decides; this actor and its children do the I/O. A failed child is
/// stopped (its PostStop hangs up both legs and reports the attempt), never restarted mid-call.
/// </summary>
public sealed class CallbackCalls : ReceiveActor
{
    /// <summary>Registers the handler.</summary>
    public CallbackCalls(CallbackDialerSettings settings)
    {
        Receive<DialCallback>(m => Context.ActorOf(CallbackCall.Props(settings, m, Sender)));
        // The cluster's router started again elsewhere: each attempt in flight re-announces itself to it.
        Receive<RouterIncarnation>(m =>
        {
            foreach (var attempt in Context.GetChildren()) attempt.Tell(m);
        });
    }

    /// <summary>The props of the callback calls' parent.</summary>
    public static Props Props(CallbackDialerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Actor.Props.Create(() => new CallbackCalls(settings));
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}
