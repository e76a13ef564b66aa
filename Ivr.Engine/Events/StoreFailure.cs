using Ivr.Engine.Routing.Storage;

namespace Ivr.Engine.Events;

/// <summary>The failures of a store call that mean "the database cannot be used now" (try again later), not a bug.</summary>
internal static class StoreFailure
{
    /// <summary>True for a database, I/O or timeout failure.</summary>
    public static bool Is(Exception ex) =>
        ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or StorageUnavailableException
            or IOException or TimeoutException or UnauthorizedAccessException or InvalidOperationException;

    /// <summary>The first line of the failure, for one log line.</summary>
    public static string Describe(Exception ex)
    {
        var message = ex.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
