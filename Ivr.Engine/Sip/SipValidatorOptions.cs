using System.Collections.Frozen;

namespace Ivr.Engine.Sip;

/// <summary>What the local UAS supports; drives <see cref="SipRequestValidator"/>.</summary>
public sealed record SipValidatorOptions
{
    /// <summary>Default: an IVR user agent server (INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, REFER, NOTIFY).</summary>
    public static SipValidatorOptions Default { get; } = new();

    /// <summary>Methods this UAS implements; others it knows get 405, unknown ones 501 (RFC 3261 §8.2.1, §21.5.2).</summary>
    public FrozenSet<string> AllowedMethods { get; init; } =
        new[] { "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "REFER", "NOTIFY" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Option tags this UAS understands in Require (RFC 3261 §8.2.2.3).</summary>
    public FrozenSet<string> SupportedOptionTags { get; init; } = new[] { "replaces" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Request-URI schemes accepted (RFC 3261 §8.2.2.1); others get 416.</summary>
    public FrozenSet<string> SupportedUriSchemes { get; init; } = new[] { "sip", "sips", "tel" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Body types accepted in an INVITE (RFC 3261 §8.2.3); others get 415 with Accept.</summary>
    public FrozenSet<string> InviteBodyTypes { get; init; } = new[] { "application/sdp" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// True when this element forwards requests (proxy or B2BUA leg): Max-Forwards 0 then gets 483 (RFC 3261 §16.3).
    /// A UAS that is the final destination processes such a request normally (RFC 4475 §3.3.11 zeromf).
    /// </summary>
    public bool ForwardsRequests { get; init; }

    /// <summary>True if REGISTER needs Digest credentials: any other (or no) Authorization gets 401 (RFC 4475 §3.3.7 regaut01).</summary>
    public bool RegisterRequiresDigest { get; init; }
}
