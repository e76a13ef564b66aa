using System.Diagnostics;
using System.Globalization;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Storage;
using Ivr.Flows.Runtime;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.Storage;

/// <summary>
/// The real <c>ivr serve</c> on a real PostgreSQL (<c>Storage:Provider=postgres</c>): a callback booked by a sipp caller is
/// a row in PostgreSQL; with the server stopped the next caller is told it cannot be booked (never confirmed); once the
/// server is back, bookings work again without restarting the engine. A message left while it is down is not confirmed: the
/// caller hears it was not kept and the WAV stays on disk. And an unreachable database stops the start at once.
/// </summary>
[Collection(EndToEnd.EngineProcessesCollections.B)]
public sealed class PostgresEndToEndTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Serve_DatabaseStoppedAndStarted_BookingStoredThenRefusedAndToldThenStoredAgain_WithoutRestart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)],
            "--set", "Routing:InitialAgentState=Away",
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString);
        await rig.Engine.WaitForLogAsync("Callbacks: 0 pending", Bound);
        await BookByDtmfAsync(rig, "+33612345671");
        await rig.Engine.WaitForLogAsync("ended: hangup:callback-booked", Bound);
        var first = Assert.Single(await PendingAsync(connectionString));
        Assert.Equal(("+33612345671", CallbackState.Pending), (first.Number, first.State));
        Assert.False(File.Exists(Path.Combine(rig.DataFolder, "ivr.db")), "with postgres, no SQLite file is written");

        // The database goes down while the engine runs: the next caller hears that the booking could not be kept (not that
        // the number is refused), never a confirmation.
        await server.StopAsync();
        try
        {
            var before = rig.Engine.Log.Length;
            await BookByDtmfAsync(rig, "+33612345672");
            await rig.Engine.WaitForLogAsync("ended: hangup:unavailable", Bound);
            var during = rig.Engine.Log[before..];
            output.WriteLine(during);
            var refused = during.IndexOf("Callback to +33612345672 not booked (None)", StringComparison.Ordinal);
            var told = during.IndexOf("Announcement: Sorry, we cannot book your callback right now. Please stay on the line, or call again later.", StringComparison.Ordinal);
            Assert.True(refused >= 0 && told > refused, "the caller was not told the booking failed:\n" + during);
            Assert.DoesNotContain("Sorry, we cannot call back that number.", during, StringComparison.Ordinal);
            Assert.DoesNotContain("the caller hears the confirmation", during, StringComparison.Ordinal);
            Assert.DoesNotContain("stored (entered the line", during, StringComparison.Ordinal);
        }
        finally
        {
            await server.StartAsync();
        }

        // Back: the same engine books again (Npgsql opens fresh connections; no restart).
        await BookByDtmfAsync(rig, "+33612345673");
        await rig.Engine.WaitForLogAsync("Callback 2 is stored; the caller hears the confirmation", Bound);
        var pending = await PendingAsync(connectionString);
        Assert.Equal(["+33612345671", "+33612345673"], pending.Select(c => c.Number));
        Assert.False(rig.Engine.HasExited);
    }

    [Fact]
    public async Task Serve_DatabaseDown_AMessageLeftIsNotConfirmed_TheCallerHearsItWasNotKept_TheWavStays_AndMessagesWorkAgainAfter()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using var rig = await RouterRig.StartAsync([("a1", SippProcess.FreeUdpPort(), 5)],
            "--set", "Routing:InitialAgentState=Away",
            "--set", "Storage:Provider=postgres",
            "--set", "Storage:ConnectionString=" + connectionString);
        await rig.Engine.WaitForLogAsync("Callbacks: 0 pending", Bound);

        await server.StopAsync();
        try
        {
            var before = rig.Engine.Log.Length;
            // The caller takes the message offer and speaks; the engine must hang up on it (sipp waits for the BYE).
            await LeaveMessageAsync(rig);
            await rig.Engine.WaitForLogAsync("ended: message-not-kept", Bound);
            var during = rig.Engine.Log[before..];
            output.WriteLine(during);
            var notKept = during.IndexOf("Message not kept: its metadata for skill billing could not be stored", StringComparison.Ordinal);
            var told = during.IndexOf("Announcement: Sorry, we could not keep your message. Please call again later.", StringComparison.Ordinal);
            Assert.True(notKept >= 0 && told > notKept, "the caller was not told the message was not kept:\n" + during);

            // The call's timeline: the message step ran, the flow's thank-you step was never reached.
            var call = (await rig.GetAsync("/api/calls/recent")).EnumerateArray()
                .Single(c => c.GetProperty("outcome").GetString() == FlowOutcome.MessageNotKept);
            var timeline = (await rig.GetAsync("/api/calls/" + Uri.EscapeDataString(call.GetProperty("callId").GetString()!)))
                .GetProperty("timeline").EnumerateArray().ToList();
            var steps = timeline.Where(e => e.GetProperty("kind").GetString() == "step").Select(e => e.GetProperty("step").GetString()).ToList();
            Assert.Contains("message_billing", steps);
            Assert.DoesNotContain("goodbye_message", steps);
            Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "message"
                && e.GetProperty("detail").GetString()!.Contains("recording kept at", StringComparison.Ordinal));

            // The audio is kept on disk for an operator (its path is in the log line above); no row names it.
            var wav = Assert.Single(Directory.GetFiles(Path.Combine(rig.DataFolder, "messages"), "*.wav"));
            Assert.Contains(wav, during, StringComparison.Ordinal);
        }
        finally
        {
            await server.StartAsync();
        }

        // Back: the next message is stored and thanked, without restarting the engine.
        await LeaveMessageAsync(rig);
        await rig.Engine.WaitForLogAsync("ended: hangup:message-left", Bound);
        Assert.Single((await rig.GetAsync("/api/messages")).EnumerateArray());
        Assert.False(rig.Engine.HasExited);
    }

    [Fact]
    public async Task Serve_NoDatabaseListening_ExitsWithCode2AndOneLineNamingHostPort_NeverThePassword()
    {
        var closed = PostgresServer.FreeTcpPort();
        var data = Directory.CreateTempSubdirectory("ivr-pg-failfast-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ivr"))
            {
                WorkingDirectory = RepoPaths.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "serve", "--data", data, "--port", SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture),
                "--http", "http://127.0.0.1:" + PostgresServer.FreeTcpPort().ToString(CultureInfo.InvariantCulture),
                "--set", "Storage:Provider=postgres",
                "--set", $"Storage:ConnectionString=Host=127.0.0.1;Port={closed.ToString(CultureInfo.InvariantCulture)};Username=ivr;Password=hunter2-secret;Database=ivr",
            })
            {
                psi.ArgumentList.Add(a);
            }
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var bound = new CancellationTokenSource(Bound);
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            clock.Stop();
            var all = (await stdout) + (await stderr);
            output.WriteLine($"exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s:\n{all}");

            Assert.Equal(2, process.ExitCode);
            // As for a busy port: one line on stderr, no exception anywhere (stdout has the usual start-up lines).
            var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.StartsWith($"ivr serve: PostgreSQL 127.0.0.1:{closed.ToString(CultureInfo.InvariantCulture)}: connection refused", line, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", all, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", all, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
            // Most of this is the .NET start itself on a loaded machine; the refusal is immediate.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The pending callbacks as another node reads them, on a connection of its own.</summary>
    private static async Task<IReadOnlyList<CallbackRecord>> PendingAsync(string connectionString)
    {
        await using var database = await PostgresDatabase.OpenAsync(connectionString);
        var store = await PostgresCallbackStore.OpenAsync(database, DateTimeOffset.UtcNow, lease: new CallbackLeaseOptions("test", TimeSpan.FromMinutes(1)));
        return await store.ListPendingAsync("billing");
    }

    /// <summary>One sipp caller queues for billing, takes the message offer (DTMF 2), speaks, and waits for the engine's BYE.</summary>
    private static async Task LeaveMessageAsync(RouterRig rig)
    {
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_message_dtmf.xml"), "-s", "hotline", "-m", "1");
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
    }

    /// <summary>One sipp caller queues for billing, takes the callback offer and confirms its own number by DTMF.</summary>
    private static async Task BookByDtmfAsync(RouterRig rig, string callerId)
    {
        using var caller = SippProcess.Start(SippProcess.FreeUdpPort(), rig.Engine.Target,
            "-sf", SippProcess.Scenario("uac_callback_dtmf.xml"), "-s", "hotline", "-m", "1", "-key", "caller", callerId);
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\nengine:\n" + rig.Engine.Log);
    }
}
