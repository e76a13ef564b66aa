namespace Ivr.Engine.Hosting;

/// <summary>
/// <c>serve --demo</c> (<c>Demo</c> section): simulated callers and agents that speak real SIP and RTP to the engine over
/// loopback, so queues build, offers are made and callbacks are dialled within a minute of starting.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>Run the simulated callers and agents.</summary>
    public bool Enabled { get; set; }

    /// <summary>The UDP port of the simulated phones (agents and callback customers) on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The number the simulated callers dial (mapped to the <c>demo</c> flow).</summary>
    public string Number { get; set; } = "demo";

    /// <summary>The flow that number reaches (<c>flows/demo.json</c>).</summary>
    public string Flow { get; set; } = "demo";

    /// <summary>New callers per minute (Poisson arrivals); the default slightly overloads the sample's 8 agents, so queues build.</summary>
    public double CallersPerMinute { get; set; } = 14;

    /// <summary>Mean time an agent talks before hanging up (exponential, at least 8 s).</summary>
    public TimeSpan MeanTalk { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Mean time a caller is willing to wait in queue before hanging up (exponential).</summary>
    public TimeSpan MeanPatience { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Share of callers who take the callback offer once they have waited a while.</summary>
    public double CallbackShare { get; set; } = 0.35;

    /// <summary>Share of callers who leave a message instead.</summary>
    public double MessageShare { get; set; } = 0.1;

    /// <summary>Share of callback attempts the customer does not pick up (the engine retries with backoff).</summary>
    public double NoAnswerShare { get; set; } = 0.2;

    /// <summary>Simulated callers live at once; arrivals beyond it are skipped.</summary>
    public int MaxLiveCallers { get; set; } = 80;

    /// <summary>
    /// How long a booked callback may wait for spare agents before it is dialled in its turn anyway
    /// (<c>Routing:CallbackMaxDeferral</c> for the demo: 30 min in production would show no callback in a demo).
    /// </summary>
    public TimeSpan CallbackMaxDeferral { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before retrying a callback the customer did not answer (<c>Routing:CallbackRetryBackoff</c> for the demo).</summary>
    public TimeSpan CallbackRetryBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Seed of the random draws (null: a new sequence each run).</summary>
    public int? Seed { get; set; }
}
