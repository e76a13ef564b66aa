using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The host lifetime of <c>serve</c>: SIGINT (Ctrl-C) and SIGTERM begin a drain while everything keeps running — the HTTP
/// server answers (<c>/readyz</c> says <c>draining</c>, the dashboard and <c>/metrics</c> stay), new INVITEs get 503 and live
/// calls go on; when the last call has ended the host stops and the process exits 0. A second signal hangs the live calls up
/// at once. It replaces the console lifetime, which would stop the web server at the first signal.
/// </summary>
public sealed class DrainOnSignalLifetime : IHostLifetime, IDisposable
{
    private readonly IHostApplicationLifetime _application;
    private readonly SipStackService _sip;
    private readonly ILogger<DrainOnSignalLifetime> _log;
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _requests;

    /// <summary>Creates the lifetime.</summary>
    public DrainOnSignalLifetime(IHostApplicationLifetime application, SipStackService sip, ILogger<DrainOnSignalLifetime> log)
    {
        _application = application;
        _sip = sip;
        _log = log;
    }

    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drains then stops the host; asked again while draining, hangs the live calls up now.</summary>
    /// <param name="why">What asked (the signal's name), for the log.</param>
    public void RequestStop(string why)
    {
        if (Interlocked.Increment(ref _requests) == 1)
        {
            _log.LogInformation("{Why}: draining, then exiting (again to hang up the live calls now)", why);
            _ = DrainThenStopAsync();
        }
        else
        {
            _log.LogWarning("{Why} again during the drain", why);
            _sip.EndCallsNow();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var signal in _signals) signal.Dispose();
        _signals.Clear();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Cancelled: the runtime does not start exiting; the host stops once the calls are over.
        context.Cancel = true;
        RequestStop(context.Signal.ToString());
    }

    private async Task DrainThenStopAsync()
    {
        try
        {
            await _sip.DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _application.StopApplication();
        }
    }
}
