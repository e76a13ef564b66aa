namespace Ivr.Engine.Routing.Storage;

/// <summary>
/// The durable stores cannot be opened: the database is unreachable, refuses the connection, or the <c>Storage</c> settings
/// are wrong. The message is one line naming where (e.g. <c>PostgreSQL 127.0.0.1:5432</c>) and why, never a password.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="cause"/> if any.</summary>
    public StorageUnavailableException(string message, Exception? cause = null)
        : base(message, cause)
    {
    }
}
