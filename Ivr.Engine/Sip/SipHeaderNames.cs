using System.Collections.Frozen;

namespace Ivr.Engine.Sip;

/// <summary>Canonical header names, compact forms (RFC 3261 §7.3.3 and extensions) and list-valued headers.</summary>
public static class SipHeaderNames
{
#pragma warning disable CS1591 // the constants are the header names themselves
    public const string Accept = "Accept";
    public const string AcceptEncoding = "Accept-Encoding";
    public const string AcceptLanguage = "Accept-Language";
    public const string Allow = "Allow";
    public const string AllowEvents = "Allow-Events";
    public const string Authorization = "Authorization";
    public const string CallId = "Call-ID";
    public const string Contact = "Contact";
    public const string ContentDisposition = "Content-Disposition";
    public const string ContentEncoding = "Content-Encoding";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string CSeq = "CSeq";
    public const string Date = "Date";
    public const string Event = "Event";
    public const string Expires = "Expires";
    public const string From = "From";
    public const string MaxForwards = "Max-Forwards";
    public const string MinExpires = "Min-Expires";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string ProxyRequire = "Proxy-Require";
    public const string RecordRoute = "Record-Route";
    public const string ReferredBy = "Referred-By";
    public const string ReferTo = "Refer-To";
    public const string Require = "Require";
    public const string RetryAfter = "Retry-After";
    public const string Route = "Route";
    public const string SessionExpires = "Session-Expires";
    public const string Subject = "Subject";
    public const string Supported = "Supported";
    public const string Timestamp = "Timestamp";
    public const string To = "To";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Via = "Via";
    public const string Warning = "Warning";
    public const string WwwAuthenticate = "WWW-Authenticate";
#pragma warning restore CS1591

    private static readonly FrozenDictionary<string, string> Canonical = BuildCanonical();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CanonicalBySpan =
        Canonical.GetAlternateLookup<ReadOnlySpan<char>>();

    // RFC 3261 §7.3.1: only headers whose grammar is a comma-separated list may be split; not the auth headers.
    private static readonly FrozenSet<string> ListValued = new[]
    {
        Via, Contact, Route, RecordRoute, Allow, Supported, Require, ProxyRequire, Unsupported, Accept,
        AcceptEncoding, AcceptLanguage, ContentEncoding, AllowEvents, "Alert-Info", "Call-Info", "Error-Info",
        "In-Reply-To", Warning, "Path", "Service-Route", "Content-Language", "Reason", "Security-Client",
        "Security-Server", "Security-Verify", "Privacy", "P-Asserted-Identity",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static FrozenDictionary<string, string> BuildCanonical()
    {
        var names = new[]
        {
            Accept, AcceptEncoding, AcceptLanguage, Allow, AllowEvents, Authorization, CallId, Contact,
            ContentDisposition, ContentEncoding, ContentLength, ContentType, CSeq, Date, Event, Expires, From,
            MaxForwards, MinExpires, ProxyAuthenticate, ProxyAuthorization, ProxyRequire, RecordRoute, ReferredBy,
            ReferTo, Require, RetryAfter, Route, SessionExpires, Subject, Supported, Timestamp, To, Unsupported,
            UserAgent, Via, Warning, WwwAuthenticate, "Alert-Info", "Call-Info", "Error-Info", "In-Reply-To",
            "MIME-Version", "Organization", "Priority", "Reply-To", "Server", "Content-Language", "Path",
            "Service-Route", "Reason", "Privacy", "P-Asserted-Identity", "Min-SE", "RAck", "RSeq",
            "Subscription-State", "Identity", "Identity-Info", "Content-Transfer-Encoding",
        };
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var n in names) d[n] = n;
        // Compact forms: RFC 3261 §7.3.3 (i m e l c f s k t v), RFC 6665 (o u), RFC 3515 (r), RFC 3892 (b), RFC 4028 (x).
        d["i"] = CallId;
        d["m"] = Contact;
        d["e"] = ContentEncoding;
        d["l"] = ContentLength;
        d["c"] = ContentType;
        d["f"] = From;
        d["s"] = Subject;
        d["k"] = Supported;
        d["t"] = To;
        d["v"] = Via;
        d["o"] = Event;
        d["r"] = ReferTo;
        d["b"] = ReferredBy;
        d["x"] = SessionExpires;
        d["u"] = AllowEvents;
        return d.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Expands a compact form and returns the canonical spelling of a known name; unknown names are returned as given.</summary>
    public static string Normalize(string name) => Canonical.TryGetValue(name, out var c) ? c : name;

    /// <summary>Span overload of <see cref="Normalize(string)"/>; allocates only for unknown names.</summary>
    public static string Normalize(ReadOnlySpan<char> name) => CanonicalBySpan.TryGetValue(name, out var c) ? c : name.ToString();

    /// <summary>True if the header's grammar is a comma-separated list (RFC 3261 §7.3.1), so values may be split and combined.</summary>
    public static bool IsListValued(string canonicalName) => ListValued.Contains(canonicalName);
}
