using Akka.Actor;
using Ivr.Engine.Asterisk;

namespace Ivr.Engine.Calls;

/// <summary>The FastAGI server's entry into the actor world: each session goes to the call manager as <see cref="AgiCallArrived"/>.</summary>
/// <param name="manager">Resolves the call manager (after the actor system started).</param>
/// <param name="sounds">Where prompts are written for Asterisk.</param>
/// <param name="metrics">The FastAGI counters.</param>
/// <param name="digitPoll">How long each <c>WAIT FOR DIGIT</c> between commands waits.</param>
public sealed class AgiCallHandler(Func<IActorRef> manager, AgiSoundFiles sounds, AgiMetrics metrics, TimeSpan digitPoll) : IAgiSessionHandler
{
    /// <summary>Speech on Asterisk channels over ARI; null (the default) when <c>Asterisk:Ari:Url</c> is not set.</summary>
    public Legs.AgiSpeechRoute? Speech { get; init; }

    /// <inheritdoc />
    public void Accept(AgiSession session) => manager().Tell(new AgiCallArrived(session, sounds, metrics, digitPoll) { Speech = Speech });
}
