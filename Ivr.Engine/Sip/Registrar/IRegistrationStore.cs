namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// Where agents' registrations outlive the node that took them: one row per binding (address-of-record, contact URI,
/// absolute expiry, the REGISTER's Call-ID and CSeq, where it came from and which node took it). SQLite for one node,
/// PostgreSQL shared by a cluster's nodes. A row past its expiry is never returned.
/// </summary>
public interface IRegistrationStore
{
    /// <summary>Every binding not expired at <paramref name="now"/>, of every agent, whichever node took it.</summary>
    Task<IReadOnlyList<StoredRegistration>> LiveAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary><paramref name="agentId"/>'s bindings not expired at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<StoredRegistration>> FindAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="bindings"/> the agent's whole set, in one transaction (none: the agent's rows are removed);
    /// a failure changes nothing and is thrown.
    /// </summary>
    Task ReplaceAsync(string agentId, string user, IReadOnlyList<RegistrationBinding> bindings, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows expired at <paramref name="now"/> (housekeeping: they are never returned anyway); returns how many.</summary>
    Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
