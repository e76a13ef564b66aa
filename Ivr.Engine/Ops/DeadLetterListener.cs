using Akka.Actor;
using Akka.Event;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Ops;

/// <summary>Counts every dead letter Akka publishes on its event stream (<see cref="AllDeadLetters"/>) into <see cref="ActorMetrics"/>.</summary>
public sealed class DeadLetterListener : ReceiveActor
{
    private readonly ActorMetrics _metrics;

    /// <summary>Registers the handler.</summary>
    public DeadLetterListener(ActorMetrics metrics)
    {
        _metrics = metrics;
        Receive<AllDeadLetters>(m => _metrics.DeadLetter(m switch
        {
            Dropped => "dropped",
            SuppressedDeadLetter => "suppressed",
            _ => "dead",
        }));
    }

    /// <summary>The props of the listener.</summary>
    public static Props Props(ActorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return Akka.Actor.Props.Create(() => new DeadLetterListener(metrics));
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(AllDeadLetters));
        _metrics.ActorStarted("dead-letter-listener");
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _metrics.ActorStopped("dead-letter-listener");
    }
}
