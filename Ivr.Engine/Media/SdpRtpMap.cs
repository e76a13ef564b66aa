namespace Ivr.Engine.Media;

/// <summary>
/// An <c>a=rtpmap</c> attribute (RFC 4566 §6): payload type bound to encoding name, clock rate and channels;
/// also the implied mapping of static payload types (RFC 3551 §6, Table 4).
/// </summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    /// <summary>The value after <c>a=rtpmap:</c>.</summary>
    public override string ToString() =>
        Channels is { } channels
            ? $"{PayloadType} {EncodingName}/{ClockRate}/{channels}"
            : $"{PayloadType} {EncodingName}/{ClockRate}";

    /// <summary>True when this is the named encoding at the given clock (names compare case-insensitively, RFC 4855 §3).</summary>
    public bool Is(string encodingName, int clockRate) =>
        string.Equals(EncodingName, encodingName, StringComparison.OrdinalIgnoreCase) && ClockRate == clockRate;

    /// <summary>The mapping RFC 3551 Table 4 assigns to a static audio payload type, or null.</summary>
    public static SdpRtpMap? ForStaticPayloadType(int payloadType) => payloadType switch
    {
        0 => new SdpRtpMap(0, "PCMU", 8000),
        3 => new SdpRtpMap(3, "GSM", 8000),
        4 => new SdpRtpMap(4, "G723", 8000),
        5 => new SdpRtpMap(5, "DVI4", 8000),
        6 => new SdpRtpMap(6, "DVI4", 16000),
        7 => new SdpRtpMap(7, "LPC", 8000),
        8 => new SdpRtpMap(8, "PCMA", 8000),
        9 => new SdpRtpMap(9, "G722", 8000),
        10 => new SdpRtpMap(10, "L16", 44100, 2),
        11 => new SdpRtpMap(11, "L16", 44100),
        12 => new SdpRtpMap(12, "QCELP", 8000),
        13 => new SdpRtpMap(13, "CN", 8000),
        14 => new SdpRtpMap(14, "MPA", 90000),
        15 => new SdpRtpMap(15, "G728", 8000),
        16 => new SdpRtpMap(16, "DVI4", 11025),
        17 => new SdpRtpMap(17, "DVI4", 22050),
        18 => new SdpRtpMap(18, "G729", 8000),
        _ => null,
    };

    /// <summary>Parses the value after <c>a=rtpmap:</c>: <c>&lt;pt&gt; &lt;name&gt;/&lt;rate&gt;[/&lt;channels&gt;]</c>.</summary>
    public static bool TryParse(string value, out SdpRtpMap? rtpMap)
    {
        rtpMap = null;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !int.TryParse(value.AsSpan(0, space), System.Globalization.NumberStyles.None, null, out var pt) || pt > 127)
        {
            return false;
        }

        var parts = value[(space + 1)..].Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var rate) || rate <= 0)
        {
            return false;
        }

        int? channels = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out var c) || c <= 0)
            {
                return false;
            }

            channels = c;
        }

        rtpMap = new SdpRtpMap(pt, parts[0], rate, channels);
        return true;
    }
}
