using System.Globalization;
using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Demo;

/// <summary>
/// Runs the demo once the engine's SIP stack listens: a second SIP stack on <see cref="DemoOptions.Port"/> for the
/// simulated phones (agents, callback customers) and callers arriving as a Poisson stream, all over loopback. Stops
/// before the engine drains (hosted services stop in reverse order), hanging up its callers.
/// </summary>
public sealed class DemoService(EngineOptions options, SipStackService engine, ISipStackFactory stacks, IMediaSessionFactory media, TimeProvider time, ILoggerFactory loggers)
    : BackgroundService
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(15);
    private readonly ILogger _log = loggers.CreateLogger<DemoService>();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Demo;
        for (var i = 0; i < 600 && !engine.IsReady; i++) await Task.Delay(100, stoppingToken).ConfigureAwait(false);
        if (!engine.IsReady)
        {
            _log.LogError("Demo: the engine's SIP stack did not start; no simulated calls");
            return;
        }

        var random = new DemoRandom(demo.Seed);
        var stats = new DemoStats();
        var roster = new DemoRoster();
        var phones = new DemoPhones(demo, media, roster, random, stats, _log, stoppingToken);
        await using var stack = await stacks.StartAsync(new SipStackOptions(IPAddress.Loopback, demo.Port, [SipProtocol.Udp]), phones, stoppingToken).ConfigureAwait(false);
        var engineEndPoint = engine.LocalEndPoints.First(e => e.Protocol == SipProtocol.Udp).EndPoint;
        var host = IPAddress.Any.Equals(engineEndPoint.Address) ? IPAddress.Loopback : engineEndPoint.Address;
        var target = SipUri.Parse($"sip:{demo.Number}@{host}:{engineEndPoint.Port.ToString(CultureInfo.InvariantCulture)}");
        _log.LogInformation(
            "Demo: simulated callers dial {Target} ({Rate}/min); agent and callback phones answer on udp:127.0.0.1:{Port}; open the dashboard to watch",
            target, demo.CallersPerMinute, demo.Port);

        var live = new List<Task>();
        var caller = new DemoCaller(demo, stack.UserAgent, media, roster, random, stats, time, _log);
        var lastReport = time.GetTimestamp();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var gap = random.Exponential(TimeSpan.FromMinutes(1 / Math.Max(0.1, demo.CallersPerMinute)), TimeSpan.Zero);
                await Task.Delay(gap, stoppingToken).ConfigureAwait(false);
                live.RemoveAll(t => t.IsCompleted);
                if (live.Count < demo.MaxLiveCallers) live.Add(RunCallerAsync(caller, target, stoppingToken));
                if (time.GetElapsedTime(lastReport) >= ReportEvery)
                {
                    lastReport = time.GetTimestamp();
                    _log.LogInformation("Demo: {Stats}", stats);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(live).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _log.LogInformation("Demo stopped: {Stats}", stats);
    }

    private async Task RunCallerAsync(DemoCaller caller, SipUri target, CancellationToken stoppingToken)
    {
        try
        {
            await caller.RunAsync(target, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _log.LogWarning(ex, "Demo caller failed");
        }
    }
}
