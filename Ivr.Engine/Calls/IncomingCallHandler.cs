using Akka.Actor;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Calls;

/// <summary>Hands each new INVITE from the SIP stack to the <see cref="CallManager"/> (a tell; never blocks the stack's thread).</summary>
public sealed class IncomingCallHandler : IIncomingCallHandler
{
    private readonly IActorRef _manager;
    private readonly CallIntake _intake;

    /// <summary>Forwards to <paramref name="manager"/>; <paramref name="intake"/> (the manager's) says whether it takes new calls.</summary>
    public IncomingCallHandler(IActorRef manager, CallIntake? intake = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
        _intake = intake ?? new CallIntake();
    }

    /// <inheritdoc />
    public bool TakesNewCalls => _intake.IsOpen;

    /// <inheritdoc />
    public void OnIncomingCall(IInviteSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _manager.Tell(new IncomingCall(session));
    }
}
