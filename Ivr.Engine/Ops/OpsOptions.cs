namespace Ivr.Engine.Ops;

/// <summary>Operations settings (<c>Ops</c> section): who may read and act over HTTP, and how much history is kept.</summary>
public sealed class OpsOptions
{
    /// <summary>Bearer token for admin actions (drain, flow reload); admin actions are refused while it is empty.</summary>
    public string? AdminToken { get; set; }

    /// <summary><c>loopback</c> (default): read endpoints answer loopback clients (and admin-token holders) only; <c>any</c>: everyone.</summary>
    public string ReadAccess { get; set; } = "loopback";

    /// <summary>How many ended calls keep their timeline for the API and dashboard.</summary>
    public int RecentCalls { get; set; } = 200;

    /// <summary>Most timeline events kept per call (the first ones; later ones are counted as dropped).</summary>
    public int TimelineEvents { get; set; } = 500;

    /// <summary>Minutes of one-second samples kept for the dashboard's charts.</summary>
    public int HistoryMinutes { get; set; } = 15;
}
