using System.Globalization;

namespace Ivr.Engine.Sip;

/// <summary>
/// A SIP message (RFC 3261 §7): start line, ordered headers and a body of bytes. Typed accessors parse the
/// header strings on first use and are cached until the headers change.
/// </summary>
public abstract class SipMessage
{
    private int _cacheVersion = -1;
    private IReadOnlyList<SipVia>? _via;
    private SipNameAddr? _from;
    private SipNameAddr? _to;
    private SipCSeq? _cseq;
    private IReadOnlyList<SipNameAddr>? _contact;
    private IReadOnlyList<SipNameAddr>? _route;
    private IReadOnlyList<SipNameAddr>? _recordRoute;
    private bool _fromParsed;
    private bool _toParsed;
    private bool _cseqParsed;

    /// <summary>The SIP-Version, <c>SIP/2.0</c> for anything this stack emits (RFC 3261 §7.1).</summary>
    public string Version { get; init; } = "SIP/2.0";

    /// <summary>Header fields in order.</summary>
    public SipHeaderCollection Headers { get; } = new();

    /// <summary>The message body as bytes (RFC 3261 §7.4); Content-Length is derived from it on output.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>True for requests.</summary>
    public abstract bool IsRequest { get; }

    /// <summary>Via values, top first (RFC 3261 §20.42); unparseable values are skipped.</summary>
    public IReadOnlyList<SipVia> Via
    {
        get
        {
            Refresh();
            return _via ??= ParseList(SipHeaderNames.Via, static (string s, out SipVia? v) => SipVia.TryParse(s, out v));
        }
    }

    /// <summary>The top (first) Via, or null.</summary>
    public SipVia? TopVia => Via.Count > 0 ? Via[0] : null;

    /// <summary>The From header (RFC 3261 §20.20), or null if absent or invalid.</summary>
    public SipNameAddr? From
    {
        get
        {
            Refresh();
            if (!_fromParsed)
            {
                _from = SipNameAddr.TryParse(Headers[SipHeaderNames.From], out var v) ? v : null;
                _fromParsed = true;
            }
            return _from;
        }
    }

    /// <summary>The To header (RFC 3261 §20.39), or null if absent or invalid.</summary>
    public SipNameAddr? To
    {
        get
        {
            Refresh();
            if (!_toParsed)
            {
                _to = SipNameAddr.TryParse(Headers[SipHeaderNames.To], out var v) ? v : null;
                _toParsed = true;
            }
            return _to;
        }
    }

    /// <summary>The Call-ID (RFC 3261 §20.8), or null.</summary>
    public string? CallId => Headers[SipHeaderNames.CallId];

    /// <summary>The CSeq (RFC 3261 §20.16), or null if absent or invalid.</summary>
    public SipCSeq? CSeq
    {
        get
        {
            Refresh();
            if (!_cseqParsed)
            {
                _cseq = SipCSeq.TryParse(Headers[SipHeaderNames.CSeq], out var v) ? v : null;
                _cseqParsed = true;
            }
            return _cseq;
        }
    }

    /// <summary>Max-Forwards (RFC 3261 §20.22), or null if absent or not a number in 0..255.</summary>
    public int? MaxForwards => ParseSmallInt(Headers[SipHeaderNames.MaxForwards], 255);

    /// <summary>Contact values (RFC 3261 §20.10); empty when absent or when the value is <c>*</c>.</summary>
    public IReadOnlyList<SipNameAddr> Contact
    {
        get
        {
            Refresh();
            return _contact ??= IsContactWildcard ? [] : ParseList(SipHeaderNames.Contact, static (string s, out SipNameAddr? v) => SipNameAddr.TryParse(s, out v));
        }
    }

    /// <summary>True if the Contact is the <c>*</c> wildcard (RFC 3261 §10.2.2, REGISTER only).</summary>
    public bool IsContactWildcard => Headers[SipHeaderNames.Contact] == "*";

    /// <summary>Route values (RFC 3261 §20.34).</summary>
    public IReadOnlyList<SipNameAddr> Route
    {
        get
        {
            Refresh();
            return _route ??= ParseList(SipHeaderNames.Route, static (string s, out SipNameAddr? v) => SipNameAddr.TryParse(s, out v));
        }
    }

    /// <summary>Record-Route values (RFC 3261 §20.30).</summary>
    public IReadOnlyList<SipNameAddr> RecordRoute
    {
        get
        {
            Refresh();
            return _recordRoute ??= ParseList(SipHeaderNames.RecordRoute, static (string s, out SipNameAddr? v) => SipNameAddr.TryParse(s, out v));
        }
    }

    /// <summary>The Content-Type value as written (RFC 3261 §20.15), or null.</summary>
    public string? ContentType => Headers[SipHeaderNames.ContentType];

    /// <summary>The media type of Content-Type in lower case without parameters (e.g. <c>application/sdp</c>), or null.</summary>
    public string? ContentMediaType
    {
        get
        {
            var ct = ContentType;
            if (ct is null) return null;
            var semi = ct.IndexOf(';');
            var mt = (semi < 0 ? ct : ct[..semi]).Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal);
            return mt.ToLowerInvariant();
        }
    }

    /// <summary>The Content-Length header value (RFC 3261 §20.14), or null if absent, invalid or given twice with different values.</summary>
    public int? ContentLength
    {
        get
        {
            var values = Headers.GetValues(SipHeaderNames.ContentLength);
            int? result = null;
            foreach (var v in values)
            {
                var n = ParseSmallInt(v, int.MaxValue);
                if (n is null || (result is not null && result != n)) return null;
                result = n;
            }
            return result;
        }
    }

    /// <summary>Expires in seconds (RFC 3261 §20.19), or null if absent or malformed (callers then use their default).</summary>
    public uint? Expires => uint.TryParse(Headers[SipHeaderNames.Expires], NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : null;

    /// <summary>Option tags of Require (RFC 3261 §20.32).</summary>
    public IReadOnlyList<string> Require => Headers.GetValues(SipHeaderNames.Require);

    /// <summary>Option tags of Supported (RFC 3261 §20.37).</summary>
    public IReadOnlyList<string> Supported => Headers.GetValues(SipHeaderNames.Supported);

    /// <summary>Option tags of Unsupported (RFC 3261 §20.40).</summary>
    public IReadOnlyList<string> Unsupported => Headers.GetValues(SipHeaderNames.Unsupported);

    /// <summary>Serializes canonically (RFC 3261 §7): full names, CRLF, correct Content-Length.</summary>
    public byte[] ToBytes() => SipSerializer.Serialize(this);

    /// <summary>The start line without CRLF.</summary>
    public abstract string StartLine { get; }

    /// <inheritdoc/>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToBytes());

    /// <summary>Stores what the parser already parsed while validating, so accessors do not parse twice.</summary>
    internal void Prime(List<SipVia>? via, SipNameAddr? from, SipNameAddr? to, SipCSeq? cseq,
        List<SipNameAddr>? contact, List<SipNameAddr>? route, List<SipNameAddr>? recordRoute)
    {
        _cacheVersion = Headers.Version;
        _via = via is null ? [] : via;
        _from = from;
        _to = to;
        _cseq = cseq;
        _fromParsed = _toParsed = _cseqParsed = true;
        _contact = contact is null ? [] : contact;
        _route = route is null ? [] : route;
        _recordRoute = recordRoute is null ? [] : recordRoute;
    }

    private void Refresh()
    {
        if (_cacheVersion == Headers.Version) return;
        _cacheVersion = Headers.Version;
        _via = null;
        _contact = null;
        _route = null;
        _recordRoute = null;
        _fromParsed = _toParsed = _cseqParsed = false;
        _from = _to = null;
        _cseq = null;
    }

    private delegate bool TryParser<T>(string s, out T? value);

    private IReadOnlyList<T> ParseList<T>(string name, TryParser<T> parser)
        where T : class
    {
        List<T>? list = null;
        foreach (var h in Headers)
        {
            if (!h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            if (parser(h.Value, out var v) && v is not null) (list ??= new List<T>(2)).Add(v);
        }
        return list is null ? [] : list;
    }

    internal static int? ParseSmallInt(string? s, int max)
    {
        if (s is null || s.Length == 0 || s.Length > 10 || !SipSyntax.IsDigits(s)) return null;
        return long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture) is var n && n <= max ? (int)n : null;
    }
}
