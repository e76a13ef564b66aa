using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>One contact bound to an address-of-record (RFC 3261 §10.3), with what is needed to reach it.</summary>
public sealed record RegistrationBinding
{
    /// <summary>The contact URI the user agent registered.</summary>
    public required SipUri Contact { get; init; }

    /// <summary>The Contact's q parameter (0..1), or null.</summary>
    public string? Q { get; init; }

    /// <summary>The Call-ID of the REGISTER that made or last refreshed the binding (RFC 3261 §10.3 step 7).</summary>
    public required string CallId { get; init; }

    /// <summary>That REGISTER's CSeq number.</summary>
    public required long CSeq { get; init; }

    /// <summary>When the binding lapses unless refreshed.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>When the binding was first made.</summary>
    public required DateTimeOffset Registered { get; init; }

    /// <summary>Where the REGISTER really came from (transport, source address and port).</summary>
    public required SipEndPoint Received { get; init; }

    /// <summary>The registering user agent's User-Agent header, if any.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The node that took the REGISTER (<c>Cluster:Node</c>, its cluster address, or the machine), null when unknown.</summary>
    public string? Node { get; init; }

    /// <summary>True when both name the same contact with the same REGISTER, expiry and source: nothing to announce between them.</summary>
    public bool SameAs(RegistrationBinding other) =>
        other is not null && Contact.EqualsRfc(other.Contact) && CallId == other.CallId && CSeq == other.CSeq
        && Expires == other.Expires && Received == other.Received && Q == other.Q;

    /// <summary>The q value as a number (1 when absent or malformed).</summary>
    public double Priority =>
        double.TryParse(Q, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var q) ? q : 1.0;
}
