using Ivr.Engine.Media;

namespace Ivr.Engine.Calls;

/// <summary>What the <see cref="CallManager"/> admits and how it drains.</summary>
public sealed record CallManagerSettings
{
    /// <summary>Dialled number (Request-URI user part) → flow id; matched case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> FlowMap { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Flow for numbers not in <see cref="FlowMap"/>; null answers them 404.</summary>
    public string? DefaultFlow { get; init; }

    /// <summary>Live calls beyond which new INVITEs get 503.</summary>
    public int MaxCalls { get; init; } = 1000;

    /// <summary>How long a drain waits for live calls before hanging them up.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long, after a drain's timeout, hung-up calls get to end before the drain reports anyway.</summary>
    public TimeSpan DrainGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Retry-After value sent with 503 (RFC 3261 §20.33).</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether offers must, may or must not carry SRTP keys (<c>Media:Srtp</c>); required refuses plain offers with 488.</summary>
    public SrtpPolicy Srtp { get; init; } = SrtpPolicy.Off;

    /// <summary>What to do when SDES keys would answer an INVITE that came over signalling other than TLS (RFC 4568 §8.3).</summary>
    public SrtpKeysOverPlainSignalling SrtpKeysOverPlainSignalling { get; init; } = SrtpKeysOverPlainSignalling.Warn;
}
