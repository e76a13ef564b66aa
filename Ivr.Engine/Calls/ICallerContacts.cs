using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>Where a call reads its caller's contact history (the engine's contact history store, wired by Hosting).</summary>
public interface ICallerContacts
{
    /// <summary>What the history says of <paramref name="number"/> now (<see cref="CallerContacts.None"/> for a withheld or new number); one store query.</summary>
    Task<CallerContacts> LookUpAsync(string number, CancellationToken cancellationToken);
}
