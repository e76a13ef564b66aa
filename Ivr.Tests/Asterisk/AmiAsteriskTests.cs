using Ivr.Engine.Asterisk.Ami;
using Ivr.Tests.EndToEnd;
using Microsoft.Extensions.Logging;

namespace Ivr.Tests.Asterisk;

/// <summary>The AMI client against a real Asterisk 23.2.2 (its own manager.conf and queues.conf in a temp folder).</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AmiAsteriskTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RealAsterisk_Md5LoginPingGetvarCommandQueueStatusAndEvents_AllWork()
    {
        await using var asterisk = await StartAsteriskAsync();
        var (client, metrics, log) = AmiClientTests.Client(asterisk.AmiPort, s => s with { Name = "pbx", Events = "agent,user" });
        var stream = client.Subscribe();
        await client.StartAsync(CancellationToken.None);
        try
        {
            var up = Assert.IsType<AmiLinkUp>(await stream.ReadAsync().AsTask().WaitAsync(Bound));
            Assert.StartsWith("Asterisk Call Manager/", up.Banner, StringComparison.Ordinal);
            Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Text.Contains("AMI pbx: logged in", StringComparison.Ordinal));

            Assert.Equal("Pong", (await client.SendAsync(new AmiAction("Ping")))["Ping"]);
            var global = await client.SendAsync(new AmiAction("Getvar").With("Variable", "IVR_AMI_TEST"));
            Assert.Equal("set by the dial plan", global["Value"]);
            var version = await client.SendAsync(new AmiAction("Command").With("Command", "core show version"));
            Assert.Contains(version.Message.All("Output"), l => l.StartsWith("Asterisk 23.2.2", StringComparison.Ordinal));

            var status = await client.SendAsync(new AmiAction("QueueStatus"));
            Assert.True(status.IsSuccess, status.Message.ToString());
            Assert.Contains(status.Events, e => e.EventName == "QueueParams" && e["Queue"] == "support");
            Assert.Equal("QueueStatusComplete", status.Events[^1].EventName);

            // An event raised through Asterisk comes back on the stream (and only once: not as an action's answer).
            var raised = await client.SendAsync(new AmiAction("UserEvent").With("UserEvent", "IvrAmiTest").With("Note", "héllo"));
            Assert.True(raised.IsSuccess, raised.Message.ToString());
            AmiMessage? seen = null;
            while (seen is null)
            {
                if (await stream.ReadAsync().AsTask().WaitAsync(Bound) is AmiEventReceived { Event: { EventName: "UserEvent" } e }) seen = e;
            }
            Assert.Equal("IvrAmiTest", seen["UserEvent"]);
            Assert.Equal("héllo", seen["Note"]);
            Assert.True(metrics.IsUp("pbx"));
            Assert.Equal(0, metrics.Errors.Total);
        }
        finally
        {
            await client.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task RealAsterisk_WrongSecret_OneWarningACounterAndBackoff_PlainLoginWithTheRightOneWorks()
    {
        await using var asterisk = await StartAsteriskAsync();
        var (wrong, metrics, log) = AmiClientTests.Client(asterisk.AmiPort, s => s with { Name = "pbx", Secret = "not-the-secret" });
        await wrong.StartAsync(CancellationToken.None);
        await AmiClientTests.Until(() => metrics.Errors.Get("pbx", "auth") >= 3, "wrong credentials were not retried and counted");
        await wrong.StopAsync(CancellationToken.None);

        Assert.False(metrics.IsUp("pbx"));
        var warning = Assert.Single(log.AtLeast(LogLevel.Warning));
        Assert.Contains("login refused for user ivr: Authentication failed", warning, StringComparison.Ordinal);

        var (plain, plainMetrics, _) = AmiClientTests.Client(asterisk.AmiPort, s => s with { Name = "pbx", Md5 = false });
        await plain.StartAsync(CancellationToken.None);
        await AmiClientTests.Until(() => plain.IsConnected, "plain login failed");
        Assert.Equal("Pong", (await plain.SendAsync(new AmiAction("Ping")))["Ping"]);
        await plain.StopAsync(CancellationToken.None);
        Assert.Equal(0, plainMetrics.Errors.Total);
    }

    /// <summary>An Asterisk with queue <c>support</c> (no members, callers may wait) and a global variable for <c>Getvar</c>.</summary>
    internal static async Task<AsteriskProcess> StartAsteriskAsync(string dialPlan = "exten => 100,1,Answer()\n same => n,Hangup()")
    {
        var asterisk = await AsteriskProcess.StartAsync(dialPlan + "\n[globals]\nIVR_AMI_TEST=set by the dial plan");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(asterisk.Folder, "queues.conf"), """
                [general]
                persistentmembers = no
                [support]
                strategy = ringall
                joinempty = yes
                leavewhenempty = no
                timeout = 5

                """);
            // app_queue declines to load without queues.conf: loaded now that it exists.
            var loaded = await asterisk.CliAsync("module load app_queue.so");
            if (loaded.Contains("already", StringComparison.OrdinalIgnoreCase)) await asterisk.CliAsync("module reload app_queue.so");
            var shown = await asterisk.CliAsync("queue show support");
            if (!shown.Contains("support has 0 calls", StringComparison.Ordinal)) throw new InvalidOperationException("queue support is missing: " + loaded + shown);
            return asterisk;
        }
        catch
        {
            await asterisk.DisposeAsync();
            throw;
        }
    }
}
