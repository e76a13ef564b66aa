using System.Collections.Concurrent;
using Akka.Actor;

namespace Ivr.Tests.Calls;

/// <summary>
/// A fake at the Akka boundary, for component tests without an actor system: an actor reference that keeps, in order,
/// what is told to it (the call actor's own mailbox, or the router's), for the test to read and hand back.
/// </summary>
internal sealed class MailboxRef(string name) : MinimalActorRef
{
    private readonly ConcurrentQueue<object> _messages = new();

    public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "component-tests")) / name;

    public override IActorRefProvider Provider => throw new NotSupportedException("component tests run without an actor system");

    /// <summary>Everything told so far, oldest first.</summary>
    public IReadOnlyList<object> Messages => [.. _messages];

    /// <summary>The messages of type <typeparamref name="T"/> told so far, oldest first.</summary>
    public IReadOnlyList<T> All<T>() => [.. _messages.OfType<T>()];

    protected override void TellInternal(object message, IActorRef sender) => _messages.Enqueue(message);
}
