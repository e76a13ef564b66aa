namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>Looks up a caller's previous contacts for the agent's context (the contact history, <see cref="ContactHistoryLookup"/>).</summary>
public interface IPreviousContacts
{
    /// <summary>The contacts of <paramref name="number"/> before <paramref name="now"/>; null for a withheld number.</summary>
    Task<PreviousContacts?> LookupAsync(string? number, DateTimeOffset now, CancellationToken cancellationToken = default);
}
