using Ivr.Engine.Net;

namespace Ivr.Engine.Sip.Stack;

/// <summary>
/// Per-source rate limits and bans of a <see cref="SipStack"/> (in the spirit of Kamailio's <c>pike</c> with <c>htable</c>
/// bans, or fail2ban): each source address has a token bucket per <see cref="SipTrafficClass"/>; a source that empties one
/// is banned for <see cref="FirstBan"/>, doubled on each new ban up to <see cref="MaxBan"/>. Requests inside a live dialog
/// and retransmissions are never counted, so a trunk's ACKs, BYEs and re-INVITEs cannot get it banned.
/// </summary>
public sealed record SipSourceLimits
{
    /// <summary>Loopback, IPv4 and IPv6: processes on the engine's own host (a local proxy, load tests) are trusted.</summary>
    public const string DefaultTrusted = "127.0.0.1/32, ::1/128";

    /// <summary>The defaults: generous for a hotline or a trunk, a flood is banned within a fraction of a second.</summary>
    public static SipSourceLimits Default { get; } = new();

    /// <summary>No limit at all.</summary>
    public static SipSourceLimits Off { get; } = new() { Enabled = false };

    /// <summary>Off: every source is served without counting.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>New INVITEs per source (default 100/s, burst 200).</summary>
    public SipRate Invite { get; init; } = new(100, 200);

    /// <summary>REGISTERs per source (default 20/s, burst 100: a PBX or a NAT with many phones re-registering at once).</summary>
    public SipRate Register { get; init; } = new(20, 100);

    /// <summary>OPTIONS outside a dialog per source (default 20/s, burst 50).</summary>
    public SipRate Options { get; init; } = new(20, 50);

    /// <summary>Everything else not in a live dialog or transaction, per source (default 200/s, burst 400).</summary>
    public SipRate Other { get; init; } = new(200, 400);

    /// <summary>The first ban's length (default 60 s).</summary>
    public TimeSpan FirstBan { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest ban (default 1 h): each new ban of the same source doubles until this.</summary>
    public TimeSpan MaxBan { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A source with no ban for this long after its last one ended starts again at <see cref="FirstBan"/> (default 1 h).</summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>What a banned source's packets get (default <see cref="SipBannedAction.Drop"/>).</summary>
    public SipBannedAction Banned { get; init; } = SipBannedAction.Drop;

    /// <summary>
    /// In <see cref="SipBannedAction.Refuse"/> mode, the 503s a banned source gets per second (default 5); its other packets
    /// are dropped unparsed, so a spoofed flood cannot turn the engine into a reflector.
    /// </summary>
    public int BannedAnswersPerSecond { get; init; } = 5;

    /// <summary>
    /// TCP and TLS connections one source may hold open at once (default 32; trusted sources: no limit). A connection
    /// over it, or from a banned source, is closed as soon as it is accepted, before any TLS handshake.
    /// </summary>
    public int MaxConnectionsPerSource { get; init; } = 32;

    /// <summary>Sources never limited: trunks, the cluster's proxy (default <see cref="DefaultTrusted"/>).</summary>
    public AddressRanges Trusted { get; init; } = AddressRanges.Parse(DefaultTrusted, "Sip:Limits:Trusted");

    /// <summary>
    /// The most sources tracked at once (default 100,000, about 15 MB): beyond it, idle sources are evicted, and new
    /// sources that still find no room share one bucket per class (limited together, never banned).
    /// </summary>
    public int MaxSources { get; init; } = 100_000;

    /// <summary>A source not seen for this long (and not banned or remembered for a ban) is forgotten (default 5 min).</summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The rate of <paramref name="traffic"/>.</summary>
    public SipRate RateOf(SipTrafficClass traffic) => traffic switch
    {
        SipTrafficClass.Invite => Invite,
        SipTrafficClass.Register => Register,
        SipTrafficClass.Options => Options,
        _ => Other,
    };

    /// <summary>Throws <see cref="FormatException"/> naming the setting that is out of range.</summary>
    public SipSourceLimits Validated()
    {
        Invite.Validated("Sip:Limits:Invite");
        Register.Validated("Sip:Limits:Register");
        Options.Validated("Sip:Limits:Options");
        Other.Validated("Sip:Limits:Other");
        if (FirstBan <= TimeSpan.Zero) throw new FormatException($"Sip:Limits:FirstBan must be positive, not {FirstBan}.");
        if (MaxBan < FirstBan) throw new FormatException($"Sip:Limits:MaxBan ({MaxBan}) must not be shorter than FirstBan ({FirstBan}).");
        if (ForgetAfter < TimeSpan.Zero) throw new FormatException($"Sip:Limits:ForgetAfter must not be negative, not {ForgetAfter}.");
        if (MaxSources < 1) throw new FormatException($"Sip:Limits:MaxSources must be at least 1, not {MaxSources}.");
        if (BannedAnswersPerSecond < 1) throw new FormatException($"Sip:Limits:BannedAnswersPerSecond must be at least 1, not {BannedAnswersPerSecond}.");
        if (MaxConnectionsPerSource < 1) throw new FormatException($"Sip:Limits:MaxConnectionsPerSource must be at least 1, not {MaxConnectionsPerSource}.");
        if (IdleAfter <= TimeSpan.Zero) throw new FormatException($"Sip:Limits:IdleAfter must be positive, not {IdleAfter}.");
        return this;
    }
}
