using Akka.Actor;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// Reads the caller's contact history as soon as the call arrives, bounded by <see cref="CallServices.CallerLookupTimeout"/>:
/// the answer waits for it (the caller hears ringing a little longer, never silence), so the flow starts with its
/// <c>caller.*</c> variables filled. A store that fails or is slow gives a first-time caller's variables, logged and counted;
/// the call goes on.
/// </summary>
internal sealed class CallerLookup
{
    private readonly Task<CallerContacts> _task;
    private bool _notifying;

    /// <summary>Starts the lookup for <paramref name="call"/>'s caller (nothing to do without a history or a number).</summary>
    public CallerLookup(CallContext call)
    {
        var number = call.Setup.Call.CallerNumber;
        _task = call.Services.Contacts is { } contacts && !string.IsNullOrWhiteSpace(number)
            ? LookUpAsync(contacts, number, call)
            : Task.FromResult(CallerContacts.None);
    }

    /// <summary>What the history said, once <see cref="Pending"/> is false (a first-time caller's before).</summary>
    public CallerContacts Contacts => _task.IsCompletedSuccessfully ? _task.Result : CallerContacts.None;

    /// <summary>
    /// True while the lookup runs; then <see cref="CallerKnown"/> is sent to <paramref name="self"/> once it ends (which it
    /// does within the timeout).
    /// </summary>
    public bool Pending(IActorRef self)
    {
        if (_task.IsCompleted) return false;
        if (!_notifying)
        {
            _notifying = true;
            _task.PipeTo(self, success: _ => CallerKnown.Instance, failure: _ => CallerKnown.Instance);
        }
        return true;
    }

    private static async Task<CallerContacts> LookUpAsync(ICallerContacts contacts, string number, CallContext call)
    {
        var timeout = call.Services.CallerLookupTimeout;
        using var cancel = new CancellationTokenSource();
        try
        {
            return await contacts.LookUpAsync(number, cancel.Token).WaitAsync(timeout, call.Services.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
            call.Services.Metrics.CallerLookupFailures.Add("timeout");
            call.Log.LogWarning("Call {CallId}: the caller's history did not come within {Timeout}; the flow starts as for a first-time caller", call.CallId, timeout);
            return CallerContacts.None;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            call.Services.Metrics.CallerLookupFailures.Add("error");
            call.Log.LogWarning(ex, "Call {CallId}: the caller's history could not be read; the flow starts as for a first-time caller", call.CallId);
            return CallerContacts.None;
        }
    }
}

/// <summary>The caller's history lookup ended: the call may be answered.</summary>
internal sealed record CallerKnown
{
    /// <summary>The shared instance.</summary>
    public static CallerKnown Instance { get; } = new();
}
