using Akka.Actor;

namespace Ivr.Tests.Calls;

/// <summary>
/// A fake at the Akka boundary: the actor's timer scheduler as a table of started single timers, which a test fires by
/// hand (taking the message the actor would have received) instead of waiting for a clock.
/// </summary>
internal sealed class ManualTimers : ITimerScheduler
{
    private readonly Dictionary<object, (object Message, TimeSpan After)> _timers = [];

    public IReadOnlyCollection<object> ActiveTimers => _timers.Keys;

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void StartSingleTimer(object key, object msg, TimeSpan timeout) => _timers[key] = (msg, timeout);

    public void StartSingleTimer(object key, object msg, TimeSpan timeout, IActorRef sender) => _timers[key] = (msg, timeout);

    public void StartPeriodicTimer(object key, object msg, TimeSpan interval) => throw PeriodicNotUsed();

    public void StartPeriodicTimer(object key, object msg, TimeSpan interval, IActorRef sender) => throw PeriodicNotUsed();

    public void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval) => throw PeriodicNotUsed();

    public void StartPeriodicTimer(object key, object msg, TimeSpan initialDelay, TimeSpan interval, IActorRef sender) => throw PeriodicNotUsed();

    public void Cancel(object key) => _timers.Remove(key);

    public void CancelAll() => _timers.Clear();

    /// <summary>The delay of the active timer whose message is a <typeparamref name="T"/>, or null when none is active.</summary>
    public TimeSpan? DueIn<T>() => _timers.Values.Where(t => t.Message is T).Select(t => (TimeSpan?)t.After).SingleOrDefault();

    /// <summary>Fires the active timer whose message is a <typeparamref name="T"/>: it is no longer active; its message is returned.</summary>
    public T Fire<T>()
    {
        var (key, timer) = _timers.Single(t => t.Value.Message is T);
        _timers.Remove(key);
        return (T)timer.Message;
    }

    private static NotSupportedException PeriodicNotUsed() => new("a call's components start single timers only");
}
