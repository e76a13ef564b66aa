namespace Ivr.Engine.Sip;

/// <summary>
/// The outcome of <see cref="SipRequestValidator.Validate"/>: accept, answer with <see cref="StatusCode"/> plus
/// <see cref="ExtraHeaders"/> (Allow, Unsupported, Accept…), or discard silently (an invalid ACK, RFC 3261 §17).
/// </summary>
/// <param name="StatusCode">0 when accepted, otherwise the final response code to send.</param>
/// <param name="Reason">Reason phrase or explanation.</param>
/// <param name="ExtraHeaders">Headers the response must carry (e.g. Unsupported for 420, RFC 3261 §8.2.2.3).</param>
/// <param name="Discard">True if nothing must be sent at all.</param>
public sealed record SipValidationResult(int StatusCode, string Reason, IReadOnlyList<SipHeader> ExtraHeaders, bool Discard = false)
{
    /// <summary>The request may be processed by the application.</summary>
    public static SipValidationResult Accepted { get; } = new(0, "", []);

    /// <summary>True if the request passed every check.</summary>
    public bool IsAccepted => StatusCode == 0 && !Discard;

    /// <summary>Builds the error response (RFC 3261 §8.2.6) with the extra headers; null when accepted or discarded.</summary>
    public SipResponse? ToResponse(SipRequest request, string? toTag = null)
    {
        if (IsAccepted || Discard) return null;
        var response = SipResponse.CreateFor(request, StatusCode, Reason.Length > 0 ? Reason : null, toTag);
        foreach (var h in ExtraHeaders) response.Headers.Add(h.Name, h.Value);
        return response;
    }
}
