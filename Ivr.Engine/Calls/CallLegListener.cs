using Akka.Actor;
using Ivr.Engine.Calls.Legs;

namespace Ivr.Engine.Calls;

/// <summary>Posts a call's leg events to its actor: the caller's keys, ends of playback, hang-up and cancel; the agent's hang-up.</summary>
internal sealed class CallLegListener(IActorRef actor, bool agent, CancellationTokenSource? answering = null) : ILegListener
{
    public void DigitReceived(char digit)
    {
        if (!agent) actor.Tell(new DtmfDetected(digit));
    }

    public void PlaybackFinished(int play)
    {
        if (!agent) actor.Tell(new LegPlayed(play));
    }

    public void HungUp() => actor.Tell(agent ? AgentHungUp.Instance : CallerHungUp.Instance);

    public void Cancelled()
    {
        // The answer in flight stops at once (on this thread), not when the actor gets to the message.
        answering?.Cancel();
        actor.Tell(CallCancelled.Instance);
    }
}
