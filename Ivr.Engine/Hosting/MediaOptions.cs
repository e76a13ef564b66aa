using System.Globalization;
using Ivr.Engine.Media;

namespace Ivr.Engine.Hosting;

/// <summary>RTP ports and address (<c>Media</c> section).</summary>
public sealed class MediaOptions
{
    /// <summary>The RTP port range, <c>first-last</c> (even ports carry RTP, the next odd one RTCP).</summary>
    public string PortRange { get; set; } = "10000-20000";

    /// <summary>The address RTP binds to and SDP advertises; null uses <see cref="SipOptions.Address"/>.</summary>
    public string? Address { get; set; }

    /// <summary>
    /// SRTP keyed by SDES (RFC 3711, RFC 4568): <c>off</c> (plain RTP; <c>RTP/SAVP</c> offers get 488), <c>optional</c>
    /// (SRTP when the caller offers <c>a=crypto</c>, plain otherwise; outbound offers carry crypto over <c>RTP/AVP</c>) or
    /// <c>required</c> (offers without usable crypto get 488; outbound offers are <c>RTP/SAVP</c>).
    /// </summary>
    public SrtpPolicy Srtp { get; set; } = SrtpPolicy.Off;

    /// <summary>
    /// When SDES keys would go out over signalling that is not TLS (RFC 4568 §8.3): <c>allow</c>, <c>warn</c> (the default:
    /// one log line per call and the <c>ivr.calls.srtp_keys_plain_signalling</c> counter) or <c>refuse</c> (plain RTP
    /// under <c>optional</c>; 488 in, no call out under <c>required</c>).
    /// </summary>
    public SrtpKeysOverPlainSignalling SrtpKeysOverPlainSignalling { get; set; } = SrtpKeysOverPlainSignalling.Warn;

    /// <summary>Parses <see cref="PortRange"/>; throws <see cref="FormatException"/> when it is not <c>first-last</c> within 1024-65535.</summary>
    public (int First, int Last) GetPortRange()
    {
        var parts = PortRange.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first is >= 1024 and <= 65535 && last >= first && last <= 65535)
        {
            return (first, last);
        }
        throw new FormatException($"Media:PortRange '{PortRange}' is not 'first-last' between 1024 and 65535.");
    }
}
