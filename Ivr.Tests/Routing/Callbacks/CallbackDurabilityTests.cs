using System.Diagnostics;
using Ivr.Engine.Cli;
using Ivr.Engine.Routing.Callbacks;
using Microsoft.Data.Sqlite;

namespace Ivr.Tests.Routing.Callbacks;

public sealed class CallbackDurabilityTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task BookTest_KilledWithSignal9_AllBookingsPendingAndEachLeasedOnce()
    {
        var ivr = typeof(CliApp).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", ivr, "router", "book-test", "--count", "50", "--db", _db.Path_ }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string? line;
            do line = await child.StandardOutput.ReadLineAsync(timeout.Token);
            while (line is not null && line != "booked 50");
            if (line != "booked 50") Assert.Fail("the child exited before booking: " + await child.StandardError.ReadToEndAsync(timeout.Token));
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Unix: no shutdown code runs.
            await child.WaitForExitAsync();
        }

        SqliteConnection.ClearAllPools();
        var now = TimeProvider.System.GetUtcNow().AddMinutes(1);
        var store = await SqliteCallbackStore.OpenAsync(_db.Database, now);
        Assert.Equal(new CallbackRecovery(0, 0), await store.RecoverAsync(now));
        Assert.Equal(50, (await store.ListPendingAsync("support")).Count);

        var leased = new List<long>();
        while (await store.LeaseNextDueAsync("support", now) is { } lease) leased.Add(lease.Id);
        Assert.Equal(50, leased.Count);
        Assert.Equal(50, leased.Distinct().Count());
    }
}
