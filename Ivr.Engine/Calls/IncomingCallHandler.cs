using Akka.Actor;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Calls;

/// <summary>Hands each new INVITE from the SIP stack to the <see cref="CallManager"/> (a tell; never blocks the stack's thread).</summary>
public sealed class IncomingCallHandler : IIncomingCallHandler
{
    private readonly IActorRef _manager;

    /// <summary>Forwards to <paramref name="manager"/>.</summary>
    public IncomingCallHandler(IActorRef manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <inheritdoc />
    public void OnIncomingCall(IInviteSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _manager.Tell(new IncomingCall(session));
    }
}
