namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>The screen-pop webhook (<c>ScreenPop:*</c>): where the agent's context is POSTed when their phone starts ringing.</summary>
public sealed class ScreenPopOptions
{
    /// <summary>The settings section.</summary>
    public const string Section = "ScreenPop";

    /// <summary>The receiver's absolute http/https URL; empty: no screen-pop is sent.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC secret signing each request (<c>X-Ivr-Signature</c>, as the events webhooks); empty: unsigned.</summary>
    public string? Secret { get; set; }

    /// <summary>Seconds one request may take before it is abandoned and counted as <c>timeout</c> (default 1, 0.05–10).</summary>
    public double Timeout { get; set; } = 1;

    /// <summary>Requests in flight at most; a screen-pop beyond it is not sent and counted as <c>dropped</c> (default 64).</summary>
    public int MaxInFlight { get; set; } = 64;

    /// <summary>Whether a receiver is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The problem with these settings, or null when usable (checked at start-up).</summary>
    public string? Problem()
    {
        if (!Enabled) return null;
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return $"ScreenPop:Url '{Url}' is not an absolute http or https URL";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "ScreenPop:Url must not carry user info (put the secret in ScreenPop:Secret)";
        if (double.IsNaN(Timeout) || Timeout < 0.05 || Timeout > 10) return $"ScreenPop:Timeout {Timeout} is out of range (0.05–10 seconds)";
        if (MaxInFlight is < 1 or > 10_000) return $"ScreenPop:MaxInFlight {MaxInFlight} is out of range (1–10000)";
        return null;
    }
}
