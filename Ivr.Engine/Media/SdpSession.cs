using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Ivr.Engine.Media;

/// <summary>
/// A session description (RFC 4566): origin, name, connection, timing, direction and media descriptions; unknown
/// lines are kept and written back. <see cref="Parse"/> rejects text that is not SDP; <see cref="ToString"/> serialises with CRLF.
/// </summary>
public sealed record SdpSession
{
    private const int MaxLength = 64 * 1024;

    /// <summary>The <c>o=</c> line (RFC 4566 §5.2).</summary>
    public required SdpOrigin Origin { get; init; }

    /// <summary>The <c>s=</c> line (RFC 4566 §5.3); <c>-</c> when there is nothing to say.</summary>
    public string SessionName { get; init; } = "-";

    /// <summary>Session-level <c>c=</c> (RFC 4566 §5.7), the default for media without their own.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>The first <c>t=</c> line's value (RFC 4566 §5.9); <c>0 0</c> is a permanent session.</summary>
    public string Timing { get; init; } = "0 0";

    /// <summary>Session-level direction attribute, the default for every media description (RFC 4566 §6).</summary>
    public MediaDirection? Direction { get; init; }

    /// <summary>Media descriptions in order; RFC 3264 §6 pairs offer and answer streams by position.</summary>
    public IReadOnlyList<SdpMediaDescription> Media { get; init; } = [];

    /// <summary>Other session-level lines, in order (<c>i= u= e= p= b= r= z= k=</c>, further <c>t=</c>, unknown <c>a=</c>).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    /// <summary>Parses SDP text; throws <see cref="FormatException"/> naming the offending line.</summary>
    public static SdpSession Parse(string text)
    {
        if (!TryParse(text, out var session, out var error))
        {
            throw new FormatException(error);
        }

        return session;
    }

    /// <summary>Parses SDP text (RFC 4566 §5 grammar, LF or CRLF line ends); false with a message when it is not valid SDP.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpSession? session, [NotNullWhen(false)] out string? error)
    {
        session = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "SDP is empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"SDP is longer than {MaxLength} characters.";
            return false;
        }

        var parser = new Parser();
        var lines = text.Split('\n');
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            {
                error = $"Line {number}: expected '<type>=<value>', got '{Truncate(line)}'.";
                return false;
            }

            var problem = parser.Accept(line[0], line[2..]);
            if (problem is not null)
            {
                error = $"Line {number}: {problem}";
                return false;
            }
        }

        return parser.TryFinish(out session, out error);
    }

    /// <summary>Serialises to SDP text with CRLF line ends, lines in RFC 4566 §5 order.</summary>
    public override string ToString()
    {
        var sdp = new StringBuilder(512);
        sdp.Append("v=0\r\n");
        sdp.Append("o=").Append(Origin).Append("\r\n");
        sdp.Append("s=").Append(SessionName).Append("\r\n");
        AppendOther(sdp, "iuep");
        if (Connection is not null)
        {
            sdp.Append("c=").Append(Connection).Append("\r\n");
        }

        AppendOther(sdp, "b");
        sdp.Append("t=").Append(Timing).Append("\r\n");
        AppendOther(sdp, "trzk");
        if (Direction is { } direction)
        {
            sdp.Append("a=").Append(DirectionName(direction)).Append("\r\n");
        }

        AppendOther(sdp, "a");
        foreach (var media in Media)
        {
            media.AppendTo(sdp);
        }

        return sdp.ToString();
    }

    internal static string DirectionName(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

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

    private static string Truncate(string line) => line.Length <= 40 ? line : line[..40] + "…";

    private static bool TryParseConnection(string value, out SdpConnection? connection)
    {
        connection = null;
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            return false;
        }

        // Multicast addresses may carry /ttl[/count]; the address itself is what we need.
        var slash = parts[2].IndexOf('/', StringComparison.Ordinal);
        var address = slash >= 0 ? parts[2][..slash] : parts[2];
        if (address.Length == 0)
        {
            return false;
        }

        connection = new SdpConnection(parts[0], parts[1], address);
        return true;
    }

    private static bool TryParseMilliseconds(string value, out int milliseconds)
    {
        // Some stacks write "20.0"; the unit is milliseconds either way.
        milliseconds = 0;
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms) || ms <= 0 || ms > 10_000)
        {
            return false;
        }

        milliseconds = (int)Math.Round(ms);
        return milliseconds > 0;
    }

    private static MediaDirection? ParseDirection(string attribute) => attribute switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };

    private sealed class Parser
    {
        private bool _sawVersion;
        private SdpOrigin? _origin;
        private string? _name;
        private SdpConnection? _connection;
        private string? _timing;
        private MediaDirection? _direction;
        private readonly List<SdpLine> _other = [];
        private readonly List<SdpMediaDescription> _media = [];
        private MediaBuilder? _current;

        public string? Accept(char type, string value)
        {
            if (!_sawVersion)
            {
                if (type != 'v')
                {
                    return "SDP must start with 'v='.";
                }

                if (value != "0")
                {
                    return $"Unsupported SDP version '{Truncate(value)}' (RFC 4566 defines 0).";
                }

                _sawVersion = true;
                return null;
            }

            if (type == 'm')
            {
                FlushMedia();
                var (builder, problem) = MediaBuilder.Start(value);
                _current = builder;
                return problem;
            }

            return _current is not null ? _current.Accept(type, value) : AcceptSession(type, value);
        }

        public bool TryFinish([NotNullWhen(true)] out SdpSession? session, [NotNullWhen(false)] out string? error)
        {
            session = null;
            FlushMedia();
            error = !_sawVersion ? "SDP must start with 'v='."
                : _origin is null ? "Missing 'o=' line."
                : _name is null ? "Missing 's=' line."
                : null;
            if (error is not null)
            {
                return false;
            }

            session = new SdpSession
            {
                Origin = _origin!,
                SessionName = _name!,
                Connection = _connection,
                Timing = _timing ?? "0 0",
                Direction = _direction,
                Media = _media,
                OtherLines = _other,
            };
            return true;
        }

        private string? AcceptSession(char type, string value)
        {
            switch (type)
            {
                case 'v':
                    return "Duplicate 'v=' line.";
                case 'o':
                {
                    if (_origin is not null)
                    {
                        return "Duplicate 'o=' line.";
                    }

                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 6)
                    {
                        return $"'o=' needs 6 fields (username sess-id sess-version nettype addrtype address), got {parts.Length}.";
                    }

                    _origin = new SdpOrigin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
                    return null;
                }

                case 's':
                    if (_name is not null)
                    {
                        return "Duplicate 's=' line.";
                    }

                    _name = value;
                    return null;
                case 'c':
                    if (_connection is not null)
                    {
                        return "Duplicate session-level 'c=' line.";
                    }

                    return TryParseConnection(value, out _connection) ? null : $"Malformed 'c={Truncate(value)}'.";
                case 't':
                {
                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 2 || !parts.All(p => ulong.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                    {
                        return $"Malformed 't={Truncate(value)}' (two decimal times expected).";
                    }

                    if (_timing is null)
                    {
                        _timing = string.Join(' ', parts);
                    }
                    else
                    {
                        _other.Add(new SdpLine('t', value));
                    }

                    return null;
                }

                case 'a' when ParseDirection(value) is { } direction:
                    _direction = direction;
                    return null;
                default:
                    _other.Add(new SdpLine(type, value));
                    return null;
            }
        }

        private void FlushMedia()
        {
            if (_current is not null)
            {
                _media.Add(_current.Build());
                _current = null;
            }
        }
    }

    private sealed class MediaBuilder
    {
        private readonly string _media;
        private readonly int _port;
        private readonly int? _portCount;
        private readonly string _protocol;
        private readonly string[] _formats;
        private readonly List<SdpRtpMap> _rtpMaps = [];
        private readonly Dictionary<string, string> _fmtp = [];
        private readonly List<SdpLine> _other = [];
        private SdpConnection? _connection;
        private int? _ptime;
        private int? _maxPtime;
        private MediaDirection? _direction;
        private SdpRtcp? _rtcp;

        private MediaBuilder(string media, int port, int? portCount, string protocol, string[] formats)
        {
            _media = media;
            _port = port;
            _portCount = portCount;
            _protocol = protocol;
            _formats = formats;
        }

        private bool IsRtp => _protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase);

        public static (MediaBuilder? Builder, string? Problem) Start(string value)
        {
            var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 4)
            {
                return (null, $"'m={Truncate(value)}' needs media, port, protocol and at least one format.");
            }

            var portText = parts[1];
            int? count = null;
            var slash = portText.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c <= 0)
                {
                    return (null, $"Malformed port count in 'm={Truncate(value)}'.");
                }

                count = c;
                portText = portText[..slash];
            }

            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                return (null, $"Malformed port '{Truncate(parts[1])}' in 'm=' line.");
            }

            var builder = new MediaBuilder(parts[0], port, count, parts[2], parts[3..]);
            if (builder.IsRtp)
            {
                foreach (var format in builder._formats)
                {
                    if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
                    {
                        return (null, $"'{Truncate(format)}' is not an RTP payload type (0-127).");
                    }
                }
            }

            return (builder, null);
        }

        public string? Accept(char type, string value)
        {
            switch (type)
            {
                case 'c':
                    if (_connection is not null)
                    {
                        // RFC 4566 allows several for multicast layering; the first is the one we use.
                        _other.Add(new SdpLine(type, value));
                        return null;
                    }

                    return TryParseConnection(value, out _connection) ? null : $"Malformed 'c={Truncate(value)}'.";
                case 'a':
                    return AcceptAttribute(value);
                case 'v' or 'o' or 's' or 't' or 'z' or 'r' or 'u' or 'e' or 'p':
                    return $"'{type}=' is a session-level line but appears inside a media description.";
                default:
                    _other.Add(new SdpLine(type, value));
                    return null;
            }
        }

        public SdpMediaDescription Build() => new()
        {
            Media = _media,
            Port = _port,
            PortCount = _portCount,
            Protocol = _protocol,
            Formats = _formats,
            Connection = _connection,
            RtpMaps = _rtpMaps,
            FormatParameters = _fmtp,
            Ptime = _ptime,
            MaxPtime = _maxPtime,
            Direction = _direction,
            Rtcp = _rtcp,
            OtherLines = _other,
        };

        private string? AcceptAttribute(string value)
        {
            if (ParseDirection(value) is { } direction)
            {
                _direction = direction;
                return null;
            }

            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? value : value[..colon];
            var argument = colon < 0 ? string.Empty : value[(colon + 1)..];
            switch (name)
            {
                case "rtpmap" when IsRtp:
                    if (!SdpRtpMap.TryParse(argument, out var map))
                    {
                        return $"Malformed 'a=rtpmap:{Truncate(argument)}'.";
                    }

                    _rtpMaps.Add(map!);
                    return null;
                case "fmtp":
                {
                    var space = argument.IndexOf(' ', StringComparison.Ordinal);
                    if (space <= 0)
                    {
                        return $"Malformed 'a=fmtp:{Truncate(argument)}'.";
                    }

                    _fmtp[argument[..space]] = argument[(space + 1)..].Trim();
                    return null;
                }

                case "ptime" when TryParseMilliseconds(argument, out var ptime):
                    _ptime = ptime;
                    return null;
                case "maxptime" when TryParseMilliseconds(argument, out var maxPtime):
                    _maxPtime = maxPtime;
                    return null;
                case "rtcp":
                {
                    var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length == 0 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return $"Malformed 'a=rtcp:{Truncate(argument)}'.";
                    }

                    SdpConnection? connection = null;
                    if (parts.Length == 2 && !TryParseConnection(parts[1], out connection))
                    {
                        return $"Malformed address in 'a=rtcp:{Truncate(argument)}'.";
                    }

                    _rtcp = new SdpRtcp(port, connection);
                    return null;
                }

                default:
                    _other.Add(new SdpLine('a', value));
                    return null;
            }
        }
    }
}
