namespace Ivr.Engine.Sip;

/// <summary>
/// Application-layer checks a UAS makes on a request that parsed (RFC 3261 §8.2, in its order: method, headers,
/// content) plus the RFC 4475 §3.2–§3.3 cases. Stateless and thread-safe.
/// </summary>
public sealed class SipRequestValidator
{
    private static readonly string[] KnownMethods =
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"];

    private static readonly string[] SingleValued =
        [SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.MaxForwards,
         SipHeaderNames.ContentLength, SipHeaderNames.ContentType, SipHeaderNames.Expires];

    private readonly SipValidatorOptions _options;
    private readonly string _allow;

    /// <summary>Creates a validator for a UAS with these capabilities.</summary>
    public SipRequestValidator(SipValidatorOptions? options = null)
    {
        _options = options ?? SipValidatorOptions.Default;
        _allow = string.Join(", ", KnownMethods.Where(_options.AllowedMethods.Contains));
    }

    /// <summary>The value for an Allow header listing the supported methods (RFC 3261 §20.5).</summary>
    public string Allow => _allow;

    /// <summary>Returns what to do with a parsed request; an invalid ACK is discarded, never answered (RFC 3261 §17.2.1).</summary>
    public SipValidationResult Validate(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = ValidateCore(request);
        if (!result.IsAccepted && request.Method == "ACK") return result with { Discard = true };
        return result;
    }

    /// <summary>
    /// RFC 3261 §8.1.3.3: a response reaching a UAC with more than one Via is misrouted and is discarded
    /// (RFC 4475 §3.3.10 bcast); so is one without exactly one CSeq/Call-ID/From/To.
    /// </summary>
    public static bool ShouldDiscardResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var h = response.Headers;
        return h.CountOf(SipHeaderNames.Via) != 1 || h.CountOf(SipHeaderNames.CSeq) != 1 || h.CountOf(SipHeaderNames.CallId) != 1
            || h.CountOf(SipHeaderNames.From) != 1 || h.CountOf(SipHeaderNames.To) != 1;
    }

    private SipValidationResult ValidateCore(SipRequest request)
    {
        var h = request.Headers;
        // RFC 3261 §8.1.1 mandatory headers; a missing Max-Forwards is tolerated for RFC 2543 peers (RFC 4475 §3.4).
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.Via])
        {
            if (!h.Contains(name)) return Bad("Missing " + name);
        }
        foreach (var name in SingleValued)
        {
            if (h.CountOf(name) > 1) return Bad("Multiple " + name);
        }
        if (request.From is null || request.To is null || request.CSeq is null || request.TopVia is null) return Bad("Malformed header");
        if (request.CSeq.Value.Method != request.Method) return Bad("CSeq method mismatch");
        if (h.Contains(SipHeaderNames.ContentLength) && (request.ContentLength is not { } cl || cl > request.Body.Length))
        {
            return Bad("Content-Length larger than body");
        }
        // RFC 4475 §3.2.1: a bare magic cookie is no transaction id; rejecting is allowed, and safer than guessing.
        if (request.TopVia.Branch == SipVia.MagicCookie) return Bad("Empty branch");

        if (request.MaxForwards == 0 && _options.ForwardsRequests) return new SipValidationResult(483, "Too Many Hops", []);

        if (!_options.AllowedMethods.Contains(request.Method))
        {
            var code = Array.IndexOf(KnownMethods, request.Method) >= 0 ? 405 : 501;
            return new SipValidationResult(code, SipReasonPhrases.For(code), [new SipHeader(SipHeaderNames.Allow, _allow)]);
        }

        if (!_options.SupportedUriSchemes.Contains(request.RequestUri.Scheme)) return new SipValidationResult(416, "Unsupported URI Scheme", []);

        // RFC 3261 §10.3 / RFC 4475 §3.3.4: the address-of-record in To must be a SIP or SIPS URI.
        if (request.Method == "REGISTER" && !request.To.Uri.IsSip) return Bad("To must be a SIP URI in REGISTER");

        // RFC 3261 §8.2.2.3: Require is ignored in CANCEL and ACK.
        if (request.Method is not ("CANCEL" or "ACK"))
        {
            var unsupported = request.Require.Where(t => !_options.SupportedOptionTags.Contains(t)).ToList();
            if (unsupported.Count > 0)
            {
                return new SipValidationResult(420, "Bad Extension", [new SipHeader(SipHeaderNames.Unsupported, string.Join(", ", unsupported))]);
            }
        }

        if (request.Method == "INVITE")
        {
            var content = CheckInviteContent(request);
            if (content is not null) return content;
        }

        if (request.Method == "REGISTER" && _options.RegisterRequiresDigest)
        {
            var auth = h[SipHeaderNames.Authorization];
            if (auth is null || !auth.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
            {
                return new SipValidationResult(401, "Unauthorized", []);
            }
        }
        return SipValidationResult.Accepted;
    }

    private SipValidationResult? CheckInviteContent(SipRequest request)
    {
        var accept = string.Join(", ", _options.InviteBodyTypes);
        if (!request.Body.IsEmpty)
        {
            // RFC 3261 §8.2.3: unknown body type or encoding gets 415 listing what is understood.
            if (request.ContentMediaType is not { } type) return Bad("Body without Content-Type");
            if (!_options.InviteBodyTypes.Contains(type))
            {
                return new SipValidationResult(415, "Unsupported Media Type", [new SipHeader(SipHeaderNames.Accept, accept)]);
            }
            foreach (var enc in request.Headers.GetValues(SipHeaderNames.ContentEncoding))
            {
                if (!enc.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return new SipValidationResult(415, "Unsupported Media Type",
                        [new SipHeader(SipHeaderNames.Accept, accept), new SipHeader(SipHeaderNames.AcceptEncoding, "identity")]);
                }
            }
        }
        // RFC 3261 §21.4.7 / RFC 4475 §3.3.15 sdp01: the answer must be SDP, so an Accept without it gets 406.
        var accepts = request.Headers.GetValues(SipHeaderNames.Accept);
        if (request.Headers.Contains(SipHeaderNames.Accept) && !accepts.Any(IsSdpAcceptable))
        {
            return new SipValidationResult(406, "Not Acceptable", [new SipHeader(SipHeaderNames.Accept, accept)]);
        }
        return null;
    }

    private static bool IsSdpAcceptable(string range)
    {
        var semi = range.IndexOf(';');
        var mt = (semi < 0 ? range : range[..semi]).Trim();
        return mt.Equals("application/sdp", StringComparison.OrdinalIgnoreCase) || mt == "*/*"
            || mt.Equals("application/*", StringComparison.OrdinalIgnoreCase);
    }

    private static SipValidationResult Bad(string reason) => new(400, reason, []);
}
