using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>Common state of the four RFC 3261 §17 transactions: key, peer, lock, timers and termination.</summary>
internal abstract class SipTransaction
{
    private int _terminated;

    protected SipTransaction(ISipTransactionHost host, SipEndPoint remote, string key)
    {
        Host = host;
        Remote = remote;
        Key = key;
    }

    /// <summary>The matching key (RFC 3261 §17.1.3 / §17.2.3).</summary>
    public string Key { get; }

    /// <summary>The peer: where requests go (client) or responses go back (server).</summary>
    public SipEndPoint Remote { get; }

    /// <summary>Current state; read without the lock it is only a hint.</summary>
    public SipTransactionState State { get; protected set; }

    /// <summary>Raised once when the transaction ends (the stack then forgets it).</summary>
    public event Action<SipTransaction>? Terminated;

    protected ISipTransactionHost Host { get; }

    protected object Gate { get; } = new();

    protected SipTimerSettings Timers => Host.Timers;

    /// <summary>RFC 3261 §17.1.1.2 / §17.1.2.2: reliable transports need no retransmissions and no wait states.</summary>
    protected bool Reliable => Remote.Protocol != SipProtocol.Udp;

    protected ITimer Schedule(TimeSpan due, Action callback)
    {
        var host = Host;
        return host.Time.CreateTimer(_ =>
        {
            try
            {
                callback();
            }
            catch (Exception ex)
            {
                host.TimerFailed(ex);
            }
        }, null, due, Timeout.InfiniteTimeSpan);
    }

    protected static void Reschedule(ITimer? timer, TimeSpan due) => timer?.Change(due, Timeout.InfiniteTimeSpan);

    /// <summary>Stops every timer; called under the lock.</summary>
    protected abstract void StopTimers();

    /// <summary>Moves to Terminated and raises <see cref="Terminated"/>; call without holding the lock.</summary>
    public void Terminate()
    {
        if (Interlocked.Exchange(ref _terminated, 1) != 0) return;
        lock (Gate)
        {
            State = SipTransactionState.Terminated;
            StopTimers();
        }
        Terminated?.Invoke(this);
    }
}
