namespace Ivr.Engine.Events;

/// <summary>One webhook (<c>Events:Webhooks:NAME</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The absolute http(s) URL events are POSTed to.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of <c>X-Ivr-Signature</c>; without it requests are not signed (and the start log says so).</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The event types sent, comma-separated, short (<c>call.ended</c>) or full (<c>com.ivr.call.ended</c>); a trailing
    /// <c>*</c> takes a prefix (<c>callback.*</c>); empty: all.
    /// </summary>
    public string? Types { get; set; }
}
