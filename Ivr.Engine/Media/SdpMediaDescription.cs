using System.Globalization;
using System.Text;

namespace Ivr.Engine.Media;

/// <summary>
/// One media description (RFC 4566 §5.14): the <c>m=</c> line and the lines under it that this engine uses
/// (<c>c=</c>, <c>a=rtpmap</c>, <c>a=fmtp</c>, <c>a=ptime</c>, <c>a=maxptime</c>, <c>a=rtcp</c>, direction); others are kept verbatim.
/// </summary>
public sealed record SdpMediaDescription
{
    /// <summary>Media type: <c>audio</c>, <c>video</c>, …</summary>
    public required string Media { get; init; }

    /// <summary>Transport port; 0 marks a rejected or disabled stream (RFC 3264 §5.1, §6).</summary>
    public required int Port { get; init; }

    /// <summary>Number of ports in <c>&lt;port&gt;/&lt;number&gt;</c>, when given.</summary>
    public int? PortCount { get; init; }

    /// <summary>Transport protocol, e.g. <c>RTP/AVP</c> (RFC 3551).</summary>
    public required string Protocol { get; init; }

    /// <summary>Media formats in preference order: payload type numbers for RTP profiles (RFC 4566 §5.14).</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>Media-level <c>c=</c>, which overrides the session-level one (RFC 4566 §5.7).</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary><c>a=rtpmap</c> attributes as written.</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps { get; init; } = [];

    /// <summary><c>a=fmtp</c> parameters by format (RFC 4566 §6).</summary>
    public IReadOnlyDictionary<string, string> FormatParameters { get; init; } = new Dictionary<string, string>();

    /// <summary><c>a=ptime</c> in milliseconds: the packet time the describer wants to receive (RFC 4566 §6).</summary>
    public int? Ptime { get; init; }

    /// <summary><c>a=maxptime</c> in milliseconds (RFC 4566 §6).</summary>
    public int? MaxPtime { get; init; }

    /// <summary>Media-level direction attribute; null when absent (then the session-level one, else sendrecv, applies).</summary>
    public MediaDirection? Direction { get; init; }

    /// <summary><c>a=rtcp</c> (RFC 3605), when present.</summary>
    public SdpRtcp? Rtcp { get; init; }

    /// <summary>Other lines of this media section, in order (<c>i=</c>, <c>b=</c>, <c>k=</c>, unknown <c>a=</c>).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    /// <summary>True for an RTP profile (<c>RTP/AVP</c>, <c>RTP/SAVP</c>, …), whose formats are payload types.</summary>
    public bool IsRtp => Protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Payload types in offer order (RTP profiles only).</summary>
    public IEnumerable<int> PayloadTypes =>
        IsRtp ? Formats.Select(f => int.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)) : [];

    /// <summary>The mapping of a payload type: its <c>a=rtpmap</c>, else the static RFC 3551 assignment, else null.</summary>
    public SdpRtpMap? GetRtpMap(int payloadType) =>
        RtpMaps.FirstOrDefault(m => m.PayloadType == payloadType) ?? SdpRtpMap.ForStaticPayloadType(payloadType);

    /// <summary>The <c>a=fmtp</c> parameters of a payload type, or null.</summary>
    public string? GetFormatParameters(int payloadType) =>
        FormatParameters.TryGetValue(payloadType.ToString(CultureInfo.InvariantCulture), out var value) ? value : null;

    internal void AppendTo(StringBuilder sdp)
    {
        sdp.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (PortCount is { } count)
        {
            sdp.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        sdp.Append(' ').Append(Protocol);
        foreach (var format in Formats)
        {
            sdp.Append(' ').Append(format);
        }

        sdp.Append("\r\n");
        AppendOther(sdp, "i");
        if (Connection is not null)
        {
            sdp.Append("c=").Append(Connection).Append("\r\n");
        }

        AppendOther(sdp, "bk");
        foreach (var map in RtpMaps)
        {
            sdp.Append("a=rtpmap:").Append(map).Append("\r\n");
        }

        foreach (var (format, parameters) in FormatParameters)
        {
            sdp.Append("a=fmtp:").Append(format).Append(' ').Append(parameters).Append("\r\n");
        }

        if (Ptime is { } ptime)
        {
            sdp.Append("a=ptime:").Append(ptime.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (MaxPtime is { } maxPtime)
        {
            sdp.Append("a=maxptime:").Append(maxPtime.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (Rtcp is not null)
        {
            sdp.Append("a=rtcp:").Append(Rtcp).Append("\r\n");
        }

        if (Direction is { } direction)
        {
            sdp.Append("a=").Append(SdpSession.DirectionName(direction)).Append("\r\n");
        }

        AppendOther(sdp, "a");
    }

    private void AppendOther(StringBuilder sdp, string types)
    {
        foreach (var line in OtherLines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal))
            {
                sdp.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
            }
        }
    }
}
