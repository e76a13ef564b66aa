using Ivr.Engine.Net;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Hosting;

/// <summary>Per-source rate limits and bans of the SIP stack (<c>Sip:Limits</c> section; see docs/sip-stack.md).</summary>
public sealed class SipLimitsOptions
{
    /// <summary>Off turns every limit off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>New INVITEs per source.</summary>
    public SipRateOptions Invite { get; set; } = SipRateOptions.Of(SipSourceLimits.Default.Invite);

    /// <summary>REGISTERs per source.</summary>
    public SipRateOptions Register { get; set; } = SipRateOptions.Of(SipSourceLimits.Default.Register);

    /// <summary>OPTIONS outside a dialog per source.</summary>
    public SipRateOptions Options { get; set; } = SipRateOptions.Of(SipSourceLimits.Default.Options);

    /// <summary>Anything else outside a live dialog per source (CANCEL, stray BYE, garbage, stray responses).</summary>
    public SipRateOptions Other { get; set; } = SipRateOptions.Of(SipSourceLimits.Default.Other);

    /// <summary>The first ban.</summary>
    public TimeSpan FirstBan { get; set; } = SipSourceLimits.Default.FirstBan;

    /// <summary>The longest ban (each new ban doubles the last).</summary>
    public TimeSpan MaxBan { get; set; } = SipSourceLimits.Default.MaxBan;

    /// <summary>Quiet time after a ban after which the next ban starts again at <see cref="FirstBan"/>.</summary>
    public TimeSpan ForgetAfter { get; set; } = SipSourceLimits.Default.ForgetAfter;

    /// <summary><c>drop</c> (default) or <c>503</c>: what a banned source's packets get.</summary>
    public string Banned { get; set; } = "drop";

    /// <summary>Trusted sources, never limited (CIDR, comma-separated): trunks, the cluster's proxy.</summary>
    public string Trusted { get; set; } = SipSourceLimits.DefaultTrusted;

    /// <summary>The most sources tracked at once.</summary>
    public int MaxSources { get; set; } = SipSourceLimits.Default.MaxSources;

    /// <summary>503s per second a banned source gets in '503' mode (<see cref="SipSourceLimits.BannedAnswersPerSecond"/>).</summary>
    public int BannedAnswersPerSecond { get; set; } = SipSourceLimits.Default.BannedAnswersPerSecond;

    /// <summary>TCP/TLS connections one untrusted source may hold (<see cref="SipSourceLimits.MaxConnectionsPerSource"/>).</summary>
    public int MaxConnectionsPerSource { get; set; } = SipSourceLimits.Default.MaxConnectionsPerSource;

    /// <summary>A source not seen for this long is forgotten (unless banned, or banned within <see cref="ForgetAfter"/>).</summary>
    public TimeSpan IdleAfter { get; set; } = SipSourceLimits.Default.IdleAfter;

    /// <summary>The stack's limits; throws <see cref="FormatException"/> naming the setting that is wrong.</summary>
    public SipSourceLimits ToLimits() => new SipSourceLimits
    {
        Enabled = Enabled,
        Invite = Invite.ToRate(),
        Register = Register.ToRate(),
        Options = Options.ToRate(),
        Other = Other.ToRate(),
        FirstBan = FirstBan,
        MaxBan = MaxBan,
        ForgetAfter = ForgetAfter,
        BannedAnswersPerSecond = BannedAnswersPerSecond,
        MaxConnectionsPerSource = MaxConnectionsPerSource,
        Banned = Banned.Trim().ToLowerInvariant() switch
        {
            "drop" => SipBannedAction.Drop,
            "503" or "refuse" => SipBannedAction.Refuse,
            _ => throw new FormatException($"Sip:Limits:Banned must be 'drop' or '503', not '{Banned}'."),
        },
        Trusted = AddressRanges.Parse(Trusted, "Sip:Limits:Trusted"),
        MaxSources = MaxSources,
        IdleAfter = IdleAfter,
    }.Validated();
}
