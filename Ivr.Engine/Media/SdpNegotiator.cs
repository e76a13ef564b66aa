using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Ivr.Engine.Media;

/// <summary>
/// SDP offer/answer (RFC 3264) for one G.711 audio stream with RFC 4733 telephone-events: answering offers
/// (UAS), creating offers and processing their answers (UAC legs). With an <see cref="SrtpPolicy"/> other than off, SDES
/// keys (RFC 4568 §5–§7) travel in <c>a=crypto</c> lines and the stream is SRTP (<c>RTP/SAVP</c>, RFC 3711).
/// </summary>
public static class SdpNegotiator
{
    private const string TelephoneEvent = "telephone-event";
    private const string DtmfEvents = "0-15";
    private const string PlainProfile = "RTP/AVP";
    private const string SecureProfile = "RTP/SAVP";
    private static readonly AudioCodec[] AllCodecs = [AudioCodec.Pcmu, AudioCodec.Pcma];

    /// <summary>
    /// Answers <paramref name="offer"/> (RFC 3264 §6): <see cref="Choose"/> then <see cref="WriteAnswer"/> at
    /// <paramref name="localAddress"/>:<paramref name="localPort"/>. No acceptable audio stream yields a 488 failure.
    /// </summary>
    public static SdpNegotiationResult Answer(
        SdpSession offer,
        IPAddress localAddress,
        int localPort,
        IReadOnlyCollection<AudioCodec>? supported = null,
        long? sessionId = null,
        long? sessionVersion = null,
        SrtpPolicy srtp = SrtpPolicy.Off)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPort, 65535);
        var choice = Choose(offer, supported, srtp);
        return choice.IsSuccess
            ? SdpNegotiationResult.Success(choice.Media, WriteAnswer(choice, localAddress, localPort, sessionId, sessionVersion))
            : SdpNegotiationResult.Failure(choice.Reason);
    }

    /// <summary>
    /// Chooses our stream from <paramref name="offer"/> without a local address (RFC 3264 §6): the first audio RTP/AVP stream
    /// with a codec we support (the offerer's first among PCMU/PCMA, matched by static PT or rtpmap name), with
    /// telephone-event at the offerer's PT and ptime 30 if asked (else 20); our direction mirrors the offer's (§6.1). No
    /// acceptable audio stream yields a 488 choice saying why.
    /// </summary>
    /// <remarks>
    /// SRTP (<paramref name="srtp"/>): off accepts <c>RTP/AVP</c> only and ignores <c>a=crypto</c>; optional also accepts
    /// <c>RTP/SAVP</c> and answers the first usable <c>a=crypto</c> of either profile with a fresh key of our own
    /// (RFC 4568 §7.1.2), plain RTP when an <c>RTP/AVP</c> stream has none; required accepts only a stream with a usable
    /// <c>a=crypto</c>. A line with MKI, an unsupported suite, lifetime or session parameter is passed over for the next.
    /// </remarks>
    public static SdpOfferChoice Choose(SdpSession offer, IReadOnlyCollection<AudioCodec>? supported = null, SrtpPolicy srtp = SrtpPolicy.Off)
    {
        ArgumentNullException.ThrowIfNull(offer);
        supported ??= AllCodecs;
        var reasons = new List<string>();
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var media = offer.Media[i];
            if (TryAccept(offer, media, supported, reasons, srtp != SrtpPolicy.Off, out var negotiated)
                && TryAgreeSrtp(media, srtp, reasons, out var keys))
            {
                return SdpOfferChoice.Accepted(offer, i, negotiated with { Direction = Mirror(negotiated.Direction), Srtp = keys });
            }
        }

        var why = reasons.Count == 0 ? "no audio stream offered" : string.Join("; ", reasons);
        return SdpOfferChoice.Rejected(offer, $"No acceptable audio stream: {why}.");
    }

    /// <summary>
    /// Writes the answer for an accepted <paramref name="choice"/> at <paramref name="localAddress"/>:<paramref name="localPort"/>
    /// (RFC 3264 §6): one m-line per offered one, in order; the chosen stream with its format, telephone-event (events 0-15),
    /// ptime and our direction; every other stream rejected with port 0 and the offered formats.
    /// </summary>
    public static SdpSession WriteAnswer(
        SdpOfferChoice choice,
        IPAddress localAddress,
        int localPort,
        long? sessionId = null,
        long? sessionVersion = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPort, 65535);
        if (!choice.IsSuccess)
        {
            throw new ArgumentException("No stream was accepted from this offer: " + choice.Reason, nameof(choice));
        }

        var offered = choice.Offer.Media;
        var answerMedia = new List<SdpMediaDescription>(offered.Count);
        for (var i = 0; i < offered.Count; i++)
        {
            var media = offered[i];
            answerMedia.Add(i == choice.StreamIndex
                ? BuildAudio(localPort, choice.Media.Format, choice.Media.Direction, media.Protocol, choice.Media.Srtp)
                : new SdpMediaDescription
                {
                    // RFC 3264 §6: a rejected stream keeps its m-line, with port 0 and the offered formats.
                    Media = media.Media,
                    Port = 0,
                    Protocol = media.Protocol,
                    Formats = media.Formats,
                });
        }

        return new SdpSession
        {
            Origin = Origin(localAddress, sessionId, sessionVersion),
            SessionName = "Ivr",
            Connection = SdpConnection.For(localAddress),
            Media = answerMedia,
        };
    }

    /// <summary>
    /// Creates an offer for a UAC leg (RFC 3264 §5): one audio stream with <paramref name="codecs"/> (PCMU then PCMA by
    /// default), telephone-event/8000 at <paramref name="dtmfPayloadType"/> with events 0-15, and ptime. A re-offer keeps
    /// the session id and increments the version (RFC 3264 §8); sendonly puts the peer on hold (§8.4). With
    /// <paramref name="srtp"/> optional or required the stream carries one <c>a=crypto</c> per suite, each with a fresh key
    /// (RFC 4568 §7.1.1), over <c>RTP/AVP</c> (optional: a peer without SRTP can still answer) or <c>RTP/SAVP</c> (required).
    /// </summary>
    public static SdpSession CreateOffer(
        IPAddress localAddress,
        int localPort,
        int packetTimeMs = 20,
        int dtmfPayloadType = 101,
        IReadOnlyList<AudioCodec>? codecs = null,
        long? sessionId = null,
        long? sessionVersion = null,
        MediaDirection direction = MediaDirection.SendRecv,
        SrtpPolicy srtp = SrtpPolicy.Off)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPort, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(dtmfPayloadType, 96);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dtmfPayloadType, 127);
        codecs ??= AllCodecs;
        if (codecs.Count == 0)
        {
            throw new ArgumentException("At least one codec is required.", nameof(codecs));
        }

        var maps = codecs.Select(c => SdpRtpMap.ForStaticPayloadType((int)c)!).ToList();
        maps.Add(new SdpRtpMap(dtmfPayloadType, TelephoneEvent, MediaFormat.ClockRate));
        var crypto = srtp == SrtpPolicy.Off
            ? []
            : SrtpSuites.All.Select((suite, i) => new SdpLine('a', SdpCrypto.ForKey(i + 1, suite, NegotiatedSrtp.NewKey()).ToString())).ToArray();
        return new SdpSession
        {
            Origin = Origin(localAddress, sessionId, sessionVersion),
            SessionName = "Ivr",
            Connection = SdpConnection.For(localAddress),
            Media =
            [
                new SdpMediaDescription
                {
                    Media = "audio",
                    Port = localPort,
                    Protocol = srtp == SrtpPolicy.Required ? SecureProfile : PlainProfile,
                    Formats = maps.Select(m => m.PayloadType.ToString(CultureInfo.InvariantCulture)).ToArray(),
                    RtpMaps = maps,
                    FormatParameters = new Dictionary<string, string>
                    {
                        [dtmfPayloadType.ToString(CultureInfo.InvariantCulture)] = DtmfEvents,
                    },
                    Ptime = packetTimeMs,
                    Direction = direction,
                    OtherLines = crypto,
                },
            ],
        };
    }

    /// <summary>
    /// Applies the answer to our offer (RFC 3264 §5, §6): same number of m-lines, our audio stream not rejected, a codec
    /// we offered; DTMF at the answerer's telephone-event PT; our direction is what both our offer and the mirrored
    /// answer allow (RFC 3264 §6.1). When we offered <c>a=crypto</c>, the answer's line with one of our tags and its suite
    /// keys SRTP (RFC 4568 §7.1.3); no such line is a failure if we offered <c>RTP/SAVP</c> or the answer says
    /// <c>RTP/SAVP</c>, plain RTP otherwise. Failure otherwise.
    /// </summary>
    public static SdpNegotiationResult ProcessAnswer(SdpSession offer, SdpSession answer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Media.Count != offer.Media.Count)
        {
            return SdpNegotiationResult.Failure(
                $"Answer has {answer.Media.Count} media descriptions for {offer.Media.Count} offered (RFC 3264 §6).");
        }

        for (var i = 0; i < offer.Media.Count; i++)
        {
            var ours = offer.Media[i];
            if (ours.Media != "audio" || ours.Port == 0)
            {
                continue;
            }

            var theirs = answer.Media[i];
            if (theirs.Port == 0)
            {
                return SdpNegotiationResult.Failure("The answerer rejected the audio stream (port 0).");
            }

            var offeredCodecs = ours.PayloadTypes.Select(pt => ToCodec(ours.GetRtpMap(pt))).OfType<AudioCodec>().ToArray();
            var reasons = new List<string>();
            var ourCrypto = SdpCrypto.From(ours);
            if (!TryAccept(answer, theirs, offeredCodecs, reasons, ourCrypto.Count > 0, out var negotiated))
            {
                return SdpNegotiationResult.Failure($"Unusable answer: {string.Join("; ", reasons)}.");
            }

            NegotiatedSrtp? keys = null;
            if (ourCrypto.Count > 0 && !TryReadAnsweredCrypto(ours, theirs, ourCrypto, out keys, out var problem))
            {
                return SdpNegotiationResult.Failure($"Unusable answer: {problem}.");
            }

            var offered = ours.Direction ?? offer.Direction ?? MediaDirection.SendRecv;
            return SdpNegotiationResult.Success(negotiated with { Direction = Intersect(offered, Mirror(negotiated.Direction)), Srtp = keys });
        }

        return SdpNegotiationResult.Failure("The offer has no audio stream.");
    }

    // Evaluates one remote media description; the direction in the result is the remote side's.
    private static bool TryAccept(
        SdpSession session,
        SdpMediaDescription media,
        IReadOnlyCollection<AudioCodec> supported,
        List<string> reasons,
        bool allowSecure,
        out NegotiatedMedia negotiated)
    {
        negotiated = null!;
        if (media.Media != "audio")
        {
            return false;
        }

        var label = $"audio stream {media.Port} {media.Protocol}";
        if (media.Port == 0)
        {
            reasons.Add($"{label} is disabled");
            return false;
        }

        if (!string.Equals(media.Protocol, PlainProfile, StringComparison.OrdinalIgnoreCase)
            && !(allowSecure && string.Equals(media.Protocol, SecureProfile, StringComparison.OrdinalIgnoreCase)))
        {
            reasons.Add(allowSecure ? $"{label}: only RTP/AVP and RTP/SAVP are supported" : $"{label}: only RTP/AVP is supported");
            return false;
        }

        AudioCodec? codec = null;
        var codecPt = -1;
        int? dtmfPt = null;
        foreach (var pt in media.PayloadTypes)
        {
            var map = media.GetRtpMap(pt);
            if (codec is null && ToCodec(map) is { } c && supported.Contains(c))
            {
                codec = c;
                codecPt = pt;
            }
            else if (dtmfPt is null && map is not null && map.Is(TelephoneEvent, MediaFormat.ClockRate)
                && CoversDtmf(media.GetFormatParameters(pt)))
            {
                dtmfPt = pt;
            }
        }

        if (codec is null)
        {
            reasons.Add($"{label}: none of [{string.Join(' ', media.Formats.Select(f => Describe(media, f)))}] is PCMU or PCMA");
            return false;
        }

        var connection = media.Connection ?? session.Connection;
        if (connection is null || !connection.TryGetIPAddress(out var address))
        {
            reasons.Add($"{label}: no usable IP address in 'c=' (RFC 4566 §5.7)");
            return false;
        }

        var rtcpAddress = address!;
        var rtcpPort = media.Port + 1;
        if (media.Rtcp is { } rtcp)
        {
            rtcpPort = rtcp.Port;
            if (rtcp.Connection is not null && rtcp.Connection.TryGetIPAddress(out var explicitAddress))
            {
                rtcpAddress = explicitAddress!;
            }
        }

        var ptime = media.Ptime == 30 ? 30 : 20;
        var direction = media.Direction ?? session.Direction ?? MediaDirection.SendRecv;
        negotiated = new NegotiatedMedia(
            new MediaFormat(codec.Value, codecPt, ptime, dtmfPt),
            new IPEndPoint(address!, media.Port),
            new IPEndPoint(rtcpAddress, Math.Min(rtcpPort, 65535)),
            direction);
        return true;
    }

    // RFC 4568 §7.1.2: the first offered a=crypto we can use is answered with its tag and suite and our own key.
    private static bool TryAgreeSrtp(SdpMediaDescription media, SrtpPolicy policy, List<string> reasons, out NegotiatedSrtp? keys)
    {
        keys = null;
        if (policy == SrtpPolicy.Off)
        {
            return true;
        }

        var problems = new List<string>();
        foreach (var crypto in SdpCrypto.From(media))
        {
            if (crypto.TryGetKey(out var suite, out var key, out var lifetime, out var problem))
            {
                keys = new NegotiatedSrtp(crypto.Tag, suite, NegotiatedSrtp.NewKey(), key, lifetime);
                return true;
            }

            problems.Add(problem);
        }

        var secure = string.Equals(media.Protocol, SecureProfile, StringComparison.OrdinalIgnoreCase);
        if (!secure && policy == SrtpPolicy.Optional)
        {
            return true;
        }

        var why = problems.Count == 0 ? "no a=crypto" : string.Join(", ", problems);
        reasons.Add($"audio stream {media.Port} {media.Protocol}: SRTP {(secure ? "offered" : "required")} but {why} (RFC 4568)");
        return false;
    }

    // RFC 4568 §7.1.3: the answer names one of our tags with the same suite, and carries the key the answerer sends with.
    private static bool TryReadAnsweredCrypto(
        SdpMediaDescription ours,
        SdpMediaDescription theirs,
        IReadOnlyList<SdpCrypto> ourCrypto,
        out NegotiatedSrtp? keys,
        out string problem)
    {
        keys = null;
        problem = string.Empty;
        var answered = SdpCrypto.From(theirs);
        foreach (var crypto in answered)
        {
            var offered = ourCrypto.FirstOrDefault(c => c.Tag == crypto.Tag && c.Suite == crypto.Suite);
            if (offered is null)
            {
                continue;
            }

            if (!crypto.TryGetKey(out var suite, out var receiveKey, out var lifetime, out problem)
                || !offered.TryGetKey(out _, out var sendKey, out _, out problem))
            {
                return false;
            }

            keys = new NegotiatedSrtp(crypto.Tag, suite, sendKey, receiveKey, lifetime);
            return true;
        }

        if (string.Equals(ours.Protocol, SecureProfile, StringComparison.OrdinalIgnoreCase)
            || string.Equals(theirs.Protocol, SecureProfile, StringComparison.OrdinalIgnoreCase))
        {
            problem = answered.Count == 0
                ? "SRTP was offered but the answer has no a=crypto (RFC 4568 §7.1.3)"
                : "no a=crypto of the answer matches an offered tag and suite (RFC 4568 §7.1.3)";
            return false;
        }

        return true;
    }

    private static SdpMediaDescription BuildAudio(int port, MediaFormat format, MediaDirection direction, string offeredProtocol, NegotiatedSrtp? srtp)
    {
        var maps = new List<SdpRtpMap>
        {
            new(format.PayloadType, format.Codec == AudioCodec.Pcmu ? "PCMU" : "PCMA", MediaFormat.ClockRate),
        };
        var fmtp = new Dictionary<string, string>();
        if (format.DtmfPayloadType is { } dtmf)
        {
            maps.Add(new SdpRtpMap(dtmf, TelephoneEvent, MediaFormat.ClockRate));
            fmtp[dtmf.ToString(CultureInfo.InvariantCulture)] = DtmfEvents;
        }

        return new SdpMediaDescription
        {
            Media = "audio",
            Port = port,
            // An SRTP answer keeps the offered profile (RTP/SAVP, or RTP/AVP with crypto); plain RTP answers RTP/AVP.
            Protocol = srtp is null ? PlainProfile : offeredProtocol,
            Formats = maps.Select(m => m.PayloadType.ToString(CultureInfo.InvariantCulture)).ToArray(),
            RtpMaps = maps,
            FormatParameters = fmtp,
            Ptime = format.PacketTimeMs,
            Direction = direction,
            OtherLines = srtp is null ? [] : [new SdpLine('a', SdpCrypto.ForKey(srtp.Tag, srtp.Suite, srtp.SendKey.Span).ToString())],
        };
    }

    // RFC 3264 §6.1: sendonly is answered recvonly and vice versa; sendrecv and inactive stay.
    private static MediaDirection Mirror(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => direction,
    };

    private static MediaDirection Intersect(MediaDirection a, MediaDirection b)
    {
        var sends = Sends(a) && Sends(b);
        var receives = Receives(a) && Receives(b);
        return (sends, receives) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };

        static bool Sends(MediaDirection d) => d is MediaDirection.SendRecv or MediaDirection.SendOnly;
        static bool Receives(MediaDirection d) => d is MediaDirection.SendRecv or MediaDirection.RecvOnly;
    }

    private static AudioCodec? ToCodec(SdpRtpMap? map) =>
        map is null || map.Channels is > 1 ? null
        : map.Is("PCMU", MediaFormat.ClockRate) ? AudioCodec.Pcmu
        : map.Is("PCMA", MediaFormat.ClockRate) ? AudioCodec.Pcma
        : null;

    // RFC 4733 §7.1.1: without "events" parameters, 0-15 are implied; otherwise the list must cover the DTMF digits.
    private static bool CoversDtmf(string? fmtp)
    {
        if (string.IsNullOrWhiteSpace(fmtp))
        {
            return true;
        }

        Span<bool> seen = stackalloc bool[16];
        foreach (var item in fmtp.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = item.IndexOf('-', StringComparison.Ordinal);
            var loText = dash < 0 ? item : item[..dash];
            var hiText = dash < 0 ? item : item[(dash + 1)..];
            if (!int.TryParse(loText, NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                || !int.TryParse(hiText, NumberStyles.None, CultureInfo.InvariantCulture, out var hi))
            {
                // Parameters we do not understand: accept the PT rather than lose DTMF.
                return true;
            }

            for (var e = lo; e <= Math.Min(hi, 15); e++)
            {
                seen[e] = true;
            }
        }

        // The keypad digits 0-9, * and # are what callers press.
        for (var e = 0; e < 12; e++)
        {
            if (!seen[e])
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(SdpMediaDescription media, string format) =>
        int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && media.GetRtpMap(pt) is { } map
            ? $"{pt} {map.EncodingName}/{map.ClockRate}"
            : format;

    private static SdpOrigin Origin(IPAddress localAddress, long? sessionId, long? sessionVersion)
    {
        // RFC 4566 §5.2: any numeric id unique per session (an NTP timestamp is only a suggestion); random here.
        var id = sessionId ?? RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var version = sessionVersion ?? id;
        return new SdpOrigin(
            "-",
            id.ToString(CultureInfo.InvariantCulture),
            version.ToString(CultureInfo.InvariantCulture),
            "IN",
            SdpConnection.For(localAddress).AddressType,
            localAddress.ToString());
    }
}
