using System.Globalization;

namespace Ivr.Engine.Sip;

/// <summary>A SIP response (RFC 3261 §7.2): status code and reason phrase.</summary>
public sealed class SipResponse : SipMessage
{
    /// <summary>Creates a response; a null reason takes the RFC 3261 §21 default phrase.</summary>
    public SipResponse(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699) throw new ArgumentOutOfRangeException(nameof(statusCode), "RFC 3261 §7.2: 100..699");
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase ?? SipReasonPhrases.For(statusCode);
    }

    /// <summary>The three-digit status code, 100..699.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase (may be empty, RFC 4475 §3.1.1.13 noreason).</summary>
    public string ReasonPhrase { get; }

    /// <inheritdoc/>
    public override bool IsRequest => false;

    /// <inheritdoc/>
    public override string StartLine => Version + " " + StatusCode.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase;

    /// <summary>
    /// Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6: Via values copied in order, From, To,
    /// Call-ID and CSeq copied; <paramref name="toTag"/> is added to To unless the To already has a tag or the
    /// response is 100 Trying (§8.2.6.2); a 100 copies Timestamp (§8.2.6.1).
    /// </summary>
    public static SipResponse CreateFor(SipRequest request, int statusCode, string? reason = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new SipResponse(statusCode, reason);
        var h = response.Headers;
        foreach (var header in request.Headers)
        {
            if (header.Name == SipHeaderNames.Via) h.AddCanonical(SipHeaderNames.Via, header.Value);
        }
        CopyFirst(request, h, SipHeaderNames.From);
        var to = request.Headers[SipHeaderNames.To];
        if (to is not null)
        {
            if (statusCode != 100 && toTag is not null && request.To is { } parsed && parsed.Tag is null)
            {
                to = parsed.WithTag(toTag).ToString();
            }
            h.AddCanonical(SipHeaderNames.To, to);
        }
        CopyFirst(request, h, SipHeaderNames.CallId);
        CopyFirst(request, h, SipHeaderNames.CSeq);
        if (statusCode == 100) CopyFirst(request, h, SipHeaderNames.Timestamp);
        return response;
    }

    private static void CopyFirst(SipRequest request, SipHeaderCollection into, string name)
    {
        var v = request.Headers[name];
        if (v is not null) into.AddCanonical(name, v);
    }
}
