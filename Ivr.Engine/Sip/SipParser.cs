using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Ivr.Engine.Sip;

/// <summary>
/// Strict, bounded SIP message parser (RFC 3261 §7, §25; behaviour on malformed input per RFC 4475 §3.1.2).
/// Stateless and thread-safe; never throws to the caller.
/// </summary>
public sealed class SipParser
{
    private static readonly SipUri InvalidUri = new("sip", null, "invalid.invalid");

    /// <summary>A parser with the default limits.</summary>
    public static SipParser Default { get; } = new();

    /// <summary>Largest accepted message in bytes (default 64 KiB).</summary>
    public int MaxMessageSize { get; init; } = 64 * 1024;

    /// <summary>Largest number of header lines (default 128).</summary>
    public int MaxHeaders { get; init; } = 128;

    /// <summary>Longest header field after unfolding, in characters (default 8 KiB).</summary>
    public int MaxHeaderLength { get; init; } = 8 * 1024;

    /// <summary>Longest Request-URI (default 4 KiB); longer ones get 414 (RFC 3261 §21.4.12).</summary>
    public int MaxRequestUriLength { get; init; } = 4 * 1024;

    /// <summary>
    /// Parses one datagram (or one framed stream message). Leading CRLFs are skipped (RFC 5626 §4.4.1 keep-alives).
    /// A body longer than Content-Length is truncated and a missing Content-Length means "rest of the datagram"
    /// (RFC 3261 §18.3). On failure <paramref name="message"/> holds the partially parsed request only when
    /// <see cref="SipParseError.CanRespond"/> is true, so the caller can send <see cref="SipParseError.StatusCode"/>.
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> datagram, out SipMessage? message, out SipParseError error) =>
        TryParse(datagram, requireContentLength: false, out message, out error);

    /// <summary>As <see cref="TryParse(ReadOnlySpan{byte}, out SipMessage?, out SipParseError)"/>; stream transports require Content-Length (RFC 3261 §18.3).</summary>
    public bool TryParse(ReadOnlySpan<byte> datagram, bool requireContentLength, out SipMessage? message, out SipParseError error)
    {
        try
        {
            return ParseCore(datagram, requireContentLength, out message, out error);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Defence in depth: a parser bug must cost one message, never the transport loop.
            message = null;
            error = new SipParseError(SipParseErrorCode.Internal, ex.GetType().Name, 400, false);
            return false;
        }
    }

    private bool ParseCore(ReadOnlySpan<byte> data, bool requireContentLength, out SipMessage? message, out SipParseError error)
    {
        message = null;
        if (data.Length > MaxMessageSize)
        {
            error = Drop(SipParseErrorCode.MessageTooLarge, "message larger than " + MaxMessageSize.ToString(CultureInfo.InvariantCulture) + " bytes", 513);
            return false;
        }
        var start = 0;
        while (start + 1 < data.Length && data[start] == '\r' && data[start + 1] == '\n') start += 2;
        if (start >= data.Length)
        {
            error = Drop(SipParseErrorCode.Empty, "keep-alive or empty datagram", 0);
            return false;
        }
        var rest = data[start..];
        var headerEnd = rest.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            error = Drop(SipParseErrorCode.HeadersNotTerminated, "no empty line after the headers", 400);
            return false;
        }
        var head = rest[..(headerEnd + 2)];
        var bodyStart = headerEnd + 4;
        var state = new State();

        if (!Utf8.IsValid(head)) state.Fail(SipParseErrorCode.InvalidUtf8, "header bytes are not UTF-8");
        if (HasBareCrOrLf(head)) state.Fail(SipParseErrorCode.BareCrOrLf, "CR or LF outside CRLF");
        var text = Encoding.UTF8.GetString(head);

        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var startLine = text.AsSpan(0, lineEnd);
        var msg = ParseStartLine(startLine, ref state);
        if (msg is null)
        {
            error = state.Error with { CanRespond = false };
            return false;
        }

        ParseHeaders(text, lineEnd + 2, msg.Headers, ref state);

        var available = rest.Length - bodyStart;
        var body = FrameBody(msg, available, requireContentLength, ref state);
        if (body > 0) msg.Body = rest.Slice(bodyStart, body).ToArray();

        ValidateHeaders(msg, ref state);

        if (!state.Error.IsError)
        {
            message = msg;
            error = SipParseError.None;
            return true;
        }
        var canRespond = msg is SipRequest req && req.Method != "ACK" && CanBuildResponse(msg);
        error = state.Error with { CanRespond = canRespond };
        message = canRespond ? msg : null;
        return false;
    }

    private static SipParseError Drop(SipParseErrorCode code, string detail, int status) => new(code, detail, status, false);

    private static bool HasBareCrOrLf(ReadOnlySpan<byte> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\r' && (i + 1 >= s.Length || s[i + 1] != '\n')) return true;
            if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
        }
        return false;
    }

    private SipMessage? ParseStartLine(ReadOnlySpan<char> line, ref State state)
    {
        if (line.IsEmpty)
        {
            state.Fail(SipParseErrorCode.InvalidStartLine, "empty start line");
            return null;
        }
        if (SipSyntax.IsWs(line[0]))
        {
            state.Fail(SipParseErrorCode.InvalidStartLine, "whitespace before the start line");
            line = line.TrimStart(" \t");
        }
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)) return ParseStatusLine(line, ref state);

        var sp1 = line.IndexOf(' ');
        var sp2 = line.LastIndexOf(' ');
        if (sp1 <= 0 || sp2 == sp1)
        {
            state.Fail(SipParseErrorCode.InvalidStartLine, "request line is not Method SP Request-URI SP SIP-Version");
            return null;
        }
        var method = line[..sp1];
        if (!SipSyntax.IsToken(method))
        {
            state.Fail(SipParseErrorCode.InvalidMethod, "method is not a token");
            return null;
        }
        var uriText = line[(sp1 + 1)..sp2];
        var version = line[(sp2 + 1)..];
        if (!IsVersionSyntax(version))
        {
            state.Fail(SipParseErrorCode.InvalidStartLine, "bad SIP-Version or whitespace in the request line");
        }
        else if (!version.Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            state.Fail(SipParseErrorCode.UnsupportedVersion, "SIP version not supported", 505);
        }

        SipUri? uri = null;
        if (uriText.Length > MaxRequestUriLength)
        {
            state.Fail(SipParseErrorCode.RequestUriTooLong, "Request-URI too long", 414);
        }
        else if (uriText.IsEmpty || uriText.IndexOfAny(" \t") >= 0)
        {
            state.Fail(SipParseErrorCode.InvalidRequestUri, "whitespace in the Request-URI");
        }
        else if (uriText[0] == '<')
        {
            state.Fail(SipParseErrorCode.InvalidRequestUri, "Request-URI in angle brackets");
        }
        else if (!SipUri.TryParse(uriText, out uri))
        {
            state.Fail(SipParseErrorCode.InvalidRequestUri, "Request-URI does not parse");
        }
        else if (uri.Headers.Count > 0)
        {
            state.Fail(SipParseErrorCode.RequestUriHeadersNotAllowed, "escaped headers in the Request-URI");
        }
        return new SipRequest(method.ToString(), uri ?? InvalidUri);
    }

    private static bool IsVersionSyntax(ReadOnlySpan<char> v)
    {
        if (v.Length < 7 || !v.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)) return false;
        var nums = v[4..];
        var dot = nums.IndexOf('.');
        return dot > 0 && SipSyntax.IsDigits(nums[..dot]) && SipSyntax.IsDigits(nums[(dot + 1)..]);
    }

    private static SipResponse? ParseStatusLine(ReadOnlySpan<char> line, ref State state)
    {
        var sp = line.IndexOf(' ');
        if (sp < 0 || !IsVersionSyntax(line[..sp]))
        {
            state.Fail(SipParseErrorCode.InvalidStartLine, "bad status line");
            return null;
        }
        if (!line[..sp].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            state.Fail(SipParseErrorCode.UnsupportedVersion, "SIP version not supported", 505);
            return null;
        }
        var codeText = line[(sp + 1)..];
        if (codeText.Length < 3 || !SipSyntax.IsDigits(codeText[..3]) || (codeText.Length > 3 && codeText[3] != ' '))
        {
            state.Fail(SipParseErrorCode.InvalidStatusCode, "status code is not 3 digits");
            return null;
        }
        var code = int.Parse(codeText[..3], NumberStyles.None, CultureInfo.InvariantCulture);
        if (code is < 100 or > 699)
        {
            state.Fail(SipParseErrorCode.InvalidStatusCode, "status code outside 100..699");
            return null;
        }
        var reason = codeText.Length > 4 ? codeText[4..] : [];
        foreach (var c in reason)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
                state.Fail(SipParseErrorCode.InvalidReasonPhrase, "control character in the reason phrase");
                break;
            }
        }
        return new SipResponse(code, reason.ToString());
    }

    private void ParseHeaders(string text, int pos, SipHeaderCollection headers, ref State state)
    {
        var parts = new List<string>(4);
        var count = 0;
        while (pos < text.Length)
        {
            var end = text.IndexOf("\r\n", pos, StringComparison.Ordinal);
            if (end < 0) end = text.Length;
            if (pos < text.Length && SipSyntax.IsWs(text[pos]))
            {
                state.Fail(SipParseErrorCode.InvalidHeaderLine, "continuation line without a header");
                pos = end + 2;
                continue;
            }
            // RFC 3261 §7.3.1: a line starting with SP or HTAB continues the previous header field.
            var folded = false;
            while (end + 2 < text.Length && SipSyntax.IsWs(text[end + 2]))
            {
                folded = true;
                var next = text.IndexOf("\r\n", end + 2, StringComparison.Ordinal);
                end = next < 0 ? text.Length : next;
            }
            var lineStart = pos;
            pos = end + 2;
            if (end - lineStart > MaxHeaderLength)
            {
                state.Fail(SipParseErrorCode.HeaderTooLong, "header field too long");
                continue;
            }
            if (++count > MaxHeaders)
            {
                state.Fail(SipParseErrorCode.TooManyHeaders, "too many header fields");
                break;
            }
            var line = text.AsSpan(lineStart, end - lineStart);
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                state.Fail(SipParseErrorCode.InvalidHeaderLine, "header line without a colon");
                continue;
            }
            var nameSpan = line[..colon].TrimEnd(" \t");
            if (!SipSyntax.IsToken(nameSpan))
            {
                state.Fail(SipParseErrorCode.InvalidHeaderName, "header name is not a token");
                continue;
            }
            var name = SipHeaderNames.Normalize(nameSpan);
            var valueSpan = SipSyntax.TrimWs(line[(colon + 1)..]);
            var value = folded ? Unfold(valueSpan).Trim(' ', '\t') : valueSpan.ToString();

            if (name == SipHeaderNames.CallId)
            {
                if (!IsCallId(value)) state.Fail(SipParseErrorCode.InvalidCallId, "Call-ID is not word[@word]");
            }
            else if (!IsValueText(value))
            {
                state.Fail(SipParseErrorCode.InvalidHeaderValue, "control character in " + name);
            }

            if (value.Length > 0 && SipHeaderNames.IsListValued(name) && !(name == SipHeaderNames.Contact && value == "*"))
            {
                parts.Clear();
                if (!SipSyntax.TrySplitTopLevel(value, parts))
                {
                    state.Fail(SipParseErrorCode.InvalidListValue, "empty element in " + name);
                    headers.AddCanonical(name, value);
                    continue;
                }
                foreach (var p in parts) headers.AddCanonical(name, p);
            }
            else
            {
                headers.AddCanonical(name, value);
            }
        }
    }

    private static string Unfold(ReadOnlySpan<char> s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
            {
                // RFC 3261 §7.3.1: folding (CRLF plus leading whitespace) means a single SP.
                while (sb.Length > 0 && SipSyntax.IsWs(sb[^1])) sb.Length--;
                sb.Append(' ');
                i += 2;
                while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
                i--;
                continue;
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsCallId(string v)
    {
        var at = v.IndexOf('@');
        if (at < 0) return SipSyntax.IsWord(v);
        return SipSyntax.IsWord(v.AsSpan(0, at)) && SipSyntax.IsWord(v.AsSpan(at + 1));
    }

    // TEXT-UTF8 / LWS outside quoted strings; inside them any character may be escaped by a quoted-pair
    // (RFC 3261 §25.1), which is how RFC 4475 §3.1.1.2 carries NUL, BEL and DEL.
    private static bool IsValueText(string v)
    {
        var inQuote = false;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (inQuote && c == '\\')
            {
                if (i + 1 >= v.Length || v[i + 1] is '\r' or '\n') return false;
                i++;
                continue;
            }
            if (c == '"') inQuote = !inQuote;
            else if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        }
        return true;
    }

    private static int FrameBody(SipMessage msg, int available, bool requireContentLength, ref State state)
    {
        var values = msg.Headers.GetValues(SipHeaderNames.ContentLength);
        if (values.Count == 0)
        {
            if (requireContentLength) state.Fail(SipParseErrorCode.MissingContentLength, "Content-Length required on stream transports");
            return available;
        }
        long first = -1;
        foreach (var v in values)
        {
            if (v.Length == 0 || v.Length > 9 || !SipSyntax.IsDigits(v))
            {
                state.Fail(SipParseErrorCode.InvalidContentLength, "Content-Length is not a non-negative integer");
                return available;
            }
            var n = long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture);
            if (first >= 0 && n != first)
            {
                // RFC 4475 §3.3.9 mcl01: conflicting values; keep the datagram as is and let validation answer 400.
                if (requireContentLength) state.Fail(SipParseErrorCode.InvalidContentLength, "conflicting Content-Length values");
                return available;
            }
            first = n;
        }
        if (first > available)
        {
            state.Fail(SipParseErrorCode.BodyShorterThanContentLength, "body shorter than Content-Length");
            return available;
        }
        return (int)first;
    }

    private static void ValidateHeaders(SipMessage msg, ref State state)
    {
        var method = (msg as SipRequest)?.Method;
        var sawCSeq = false;
        List<SipVia>? vias = null;
        List<SipNameAddr>? contacts = null, routes = null, recordRoutes = null;
        SipNameAddr? from = null, to = null;
        SipCSeq? firstCSeq = null;
        var allValid = true;
        foreach (var h in msg.Headers)
        {
            switch (h.Name)
            {
                case SipHeaderNames.Via:
                    if (SipVia.TryParse(h.Value, out var via)) (vias ??= new List<SipVia>(2)).Add(via);
                    else state.Fail(SipParseErrorCode.InvalidVia, "Via does not parse");
                    break;
                case SipHeaderNames.CSeq:
                    sawCSeq = true;
                    if (!SipCSeq.TryParse(h.Value, out var cseq)) state.Fail(SipParseErrorCode.InvalidCSeq, "CSeq does not parse or exceeds 2^32-1");
                    else if (method is not null && !string.Equals(cseq.Method, method, StringComparison.Ordinal))
                        state.Fail(SipParseErrorCode.CSeqMethodMismatch, "CSeq method differs from the request method");
                    else firstCSeq ??= cseq;
                    break;
                case SipHeaderNames.From:
                    if (SipNameAddr.TryParse(h.Value, out var f)) from ??= f;
                    else state.Fail(SipParseErrorCode.InvalidFrom, "From does not parse");
                    break;
                case SipHeaderNames.To:
                    if (SipNameAddr.TryParse(h.Value, out var t)) to ??= t;
                    else state.Fail(SipParseErrorCode.InvalidTo, "To does not parse");
                    break;
                case SipHeaderNames.Contact:
                    if (h.Value == "*")
                    {
                        if (msg.Headers.CountOf(SipHeaderNames.Contact) > 1) state.Fail(SipParseErrorCode.InvalidContact, "Contact * with other values");
                    }
                    else if (SipNameAddr.TryParse(h.Value, out var c))
                    {
                        (contacts ??= new List<SipNameAddr>(1)).Add(c);
                    }
                    else
                    {
                        state.Fail(SipParseErrorCode.InvalidContact, "Contact does not parse");
                    }
                    break;
                case SipHeaderNames.Route:
                case SipHeaderNames.RecordRoute:
                    // RFC 3261 §25.1: route-param is a name-addr, so the URI is always in angle brackets.
                    if (h.Value.Contains('<') && SipNameAddr.TryParse(h.Value, out var r))
                    {
                        if (h.Name == SipHeaderNames.Route) (routes ??= new List<SipNameAddr>(2)).Add(r);
                        else (recordRoutes ??= new List<SipNameAddr>(2)).Add(r);
                    }
                    else
                    {
                        state.Fail(SipParseErrorCode.InvalidRoute, h.Name + " does not parse");
                    }
                    break;
                case SipHeaderNames.MaxForwards:
                    if (SipMessage.ParseSmallInt(h.Value, 255) is null) state.Fail(SipParseErrorCode.InvalidMaxForwards, "Max-Forwards not in 0..255");
                    break;
                case SipHeaderNames.Date:
                    if (!DateTime.TryParseExact(h.Value, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture,
                            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
                        state.Fail(SipParseErrorCode.InvalidDate, "Date is not an RFC 1123 date in GMT");
                    break;
                case SipHeaderNames.ContentType:
                    if (!IsMediaType(h.Value)) state.Fail(SipParseErrorCode.InvalidContentType, "Content-Type is not type/subtype");
                    break;
            }
            allValid &= !state.Error.IsError;
        }
        if (vias is null) state.Fail(SipParseErrorCode.MissingVia, "no Via");
        if (!sawCSeq) state.Fail(SipParseErrorCode.MissingCSeq, "no CSeq");
        if (allValid && !state.Error.IsError) msg.Prime(vias, from, to, firstCSeq, contacts, routes, recordRoutes);
    }

    private static bool IsMediaType(string v)
    {
        var s = v.AsSpan();
        var semi = s.IndexOf(';');
        var mt = semi < 0 ? s : s[..semi];
        var slash = mt.IndexOf('/');
        if (slash < 0) return false;
        if (!SipSyntax.IsToken(SipSyntax.TrimWs(mt[..slash])) || !SipSyntax.IsToken(SipSyntax.TrimWs(mt[(slash + 1)..]))) return false;
        return semi < 0 || SipParameterCollection.TryParseGeneric(s[semi..], out _);
    }

    private static bool CanBuildResponse(SipMessage msg)
    {
        // The top Via says where to send the answer; other headers are copied verbatim (RFC 3261 §8.2.6.2), so a
        // malformed CSeq can still be echoed in the 400 that reports it (RFC 4475 §3.1.2.4).
        var via = msg.Headers[SipHeaderNames.Via];
        if (via is null || !msg.Headers.Contains(SipHeaderNames.CSeq) || !SipVia.TryParse(via, out _)) return false;
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            foreach (var v in msg.Headers.GetValues(name))
            {
                if (v.Contains('\uFFFD')) return false;
            }
        }
        return true;
    }

    private struct State
    {
        public SipParseError Error;

        public void Fail(SipParseErrorCode code, string detail, int status = 400)
        {
            // Keep the first error: it is the one closest to the start of the message.
            if (!Error.IsError) Error = new SipParseError(code, detail, status, false);
        }
    }
}
