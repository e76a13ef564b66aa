namespace Ivr.Engine.Hosting;

/// <summary>
/// Where what must outlive a call is kept (<c>Storage</c> section): callbacks, messages' metadata, agents' registrations.
/// <c>sqlite</c> (default): a file under <c>Data:Folder</c>, for one node. <c>postgres</c>: a PostgreSQL database shared by
/// every node of a cluster.
/// </summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The PostgreSQL connection string (Npgsql format) when <see cref="Provider"/> is <c>postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a node's lease on a callback it is dialling lasts unless renewed (renewed every third of it); another node recovers it once expired.</summary>
    public TimeSpan CallbackLease { get; set; } = TimeSpan.FromSeconds(60);
}
