using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Routing.Callbacks;

/// <summary>A database file in a fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ivr-routing-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Path_ = System.IO.Path.Combine(Folder, "data", "ivr.db");
        Database = new SqliteDatabase(Path_);
    }

    public string Folder { get; }

    public string Path_ { get; }

    public SqliteDatabase Database { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a killed child process; the OS temp cleaner takes it.
        }
    }
}
