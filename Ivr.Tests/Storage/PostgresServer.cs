using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ivr.Tests.Storage;

/// <summary>
/// A throw-away PostgreSQL server from the Debian package (the TESTING.md recipe): <c>initdb</c> as the <c>postgres</c>
/// user in a temporary folder, its own loopback port and socket folder, fsync off; stopped and deleted on dispose. The
/// package's own cluster is neither used nor needed. A test can stop and start it again to cut the database mid-run.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    /// <summary>The superuser initdb creates (trust authentication on loopback).</summary>
    public const string User = "ivr";

    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-pg-").FullName;
    private string? _bin;

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; } = FreeTcpPort();

    /// <summary>The server's own folder (data, socket, log), owned by <c>postgres</c>.</summary>
    private string Home => Path.Combine(_folder, "pg");

    private string Data => Path.Combine(Home, "data");

    /// <summary>The server's log, for failure messages.</summary>
    public string ServerLog => File.Exists(Path.Combine(Home, "server.log")) ? File.ReadAllText(Path.Combine(Home, "server.log")) : "(no log)";

    /// <summary>Creates the cluster and starts the server.</summary>
    public async Task InitializeAsync()
    {
        // Whatever version Debian installed (15 on bookworm): the newest bin folder that has initdb.
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (_bin is null) throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run ./test.sh, which installs it");
        // The postgres user must be able to walk into the folder the test created.
        await RunAsync("chmod", ["755", _folder]);
        if (IsRoot) await RunAsync("install", ["-d", "-o", "postgres", "-m", "700", Home]);
        else Directory.CreateDirectory(Home);
        await RunAsPostgresAsync(Path.Combine(_bin, "initdb"),
            ["-D", Data, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
        await StartAsync();
    }

    /// <summary>Starts the server (again) on the same port and data; returns once it accepts connections.</summary>
    public Task StartAsync() => RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"),
    [
        "-D", Data, "-l", Path.Combine(Home, "server.log"), "-w", "-t", "60", "start", "-o",
        $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {Home} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    ]);

    /// <summary>Stops the server (fast shutdown: sessions are cut); returns once it is down.</summary>
    public Task StopAsync() => RunAsPostgresAsync(Path.Combine(_bin!, "pg_ctl"), ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"]);

    /// <summary>The Npgsql connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database}";

    /// <summary>Creates a fresh, empty database (one per test) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_bin is not null && File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            try
            {
                await StopAsync();
            }
            catch (InvalidOperationException)
            {
                // Already down (a test stopped it and failed before starting it again).
            }
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunAsPostgresAsync(string file, IReadOnlyList<string> args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        // From "/": the postgres user may not enter the test's working folder.
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = "/",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(CommandBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish within {CommandBound.TotalSeconds} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{await error}");
    }

    /// <summary>A TCP port nothing listens on at the moment of the call (loopback).</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
