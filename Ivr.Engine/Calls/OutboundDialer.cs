using Ivr.Engine.Calls.Legs;
using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// Rings out (agent legs, callbacks' customers) over the stack's UAC side: reserves an RTP port, offers PCMU/PCMA with
/// telephone-event, sends the INVITE, negotiates the answer and starts the media, and returns the answered
/// <see cref="OutboundLeg"/>. A leg whose answer is unusable is hung up at once and reported as rejected (488). SDES keys
/// go into an offer over signalling other than TLS only as <see cref="SrtpKeysOverPlainSignalling"/> allows (RFC 4568 §8.3).
/// </summary>
public sealed class OutboundDialer
{
    private readonly Func<ISipUserAgent?> _userAgent;
    private readonly IMediaSessionFactory _media;
    private readonly Func<SipUri, SipEndPoint?>? _nextHop;
    private readonly ILogger? _log;
    private readonly SrtpPolicy _srtp;
    private readonly SrtpKeysOverPlainSignalling _plainSignalling;
    private readonly CallMetrics? _metrics;

    /// <summary>
    /// Creates the dialer; <paramref name="userAgent"/> yields the UAC once the SIP stack runs (null before);
    /// <paramref name="nextHop"/> says where a target is really reached when it is not the address its URI names (a
    /// registered phone behind NAT: <see cref="Sip.Registrar.IAgentContacts.NextHopFor"/>); <paramref name="srtp"/> puts SDES
    /// crypto in the offers (RTP/SAVP when required), and <paramref name="plainSignalling"/> says what to do when the INVITE
    /// would not go over TLS (counted in <paramref name="metrics"/> when warned).
    /// </summary>
    public OutboundDialer(
        Func<ISipUserAgent?> userAgent,
        IMediaSessionFactory media,
        string fromUser,
        Func<SipUri, SipEndPoint?>? nextHop = null,
        ILogger? log = null,
        SrtpPolicy srtp = SrtpPolicy.Off,
        SrtpKeysOverPlainSignalling plainSignalling = SrtpKeysOverPlainSignalling.Warn,
        CallMetrics? metrics = null)
    {
        _log = log;
        _srtp = srtp;
        _plainSignalling = plainSignalling;
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(userAgent);
        ArgumentNullException.ThrowIfNull(media);
        ArgumentException.ThrowIfNullOrEmpty(fromUser);
        _userAgent = userAgent;
        _media = media;
        _nextHop = nextHop;
        FromUser = fromUser;
    }

    /// <summary>The From user of the calls placed.</summary>
    public string FromUser { get; }

    /// <summary>
    /// Calls <paramref name="target"/> (a SIP URI) and, on answer, returns the leg with its media started;
    /// <paramref name="headers"/> go on the INVITE (the agent's context, <see cref="Integrations.ScreenPop.AgentContextHeaders"/>).
    /// </summary>
    public async Task<RingOutResult> DialAsync(string target, string? displayName, TimeSpan ringTimeout, CancellationToken cancellationToken, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        if (!SipUri.TryParse(target, out var uri)) return RingOutResult.Failed($"'{target}' is not a SIP URI");
        if (_userAgent() is not { } userAgent) return RingOutResult.Failed("the SIP stack is not running");
        var hop = _nextHop?.Invoke(uri);
        var srtp = SrtpFor(hop?.Protocol ?? uri.TransportOr(SipProtocol.Udp), target);
        if (srtp is null) return RingOutResult.Failed($"SRTP is required but the INVITE to '{target}' would not go over TLS (RFC 4568 §8.3)", 488);

        var reservation = _media.Reserve();
        try
        {
            var local = reservation.LocalEndPoint;
            var offer = SdpNegotiator.CreateOffer(local.Address, local.Port, srtp: srtp.Value);
            var call = await userAgent.InviteAsync(uri, FromUser, displayName, offer.ToString(), ringTimeout, cancellationToken, hop, headers).ConfigureAwait(false);
            if (call.Status != OutboundCallStatus.Answered)
            {
                reservation.Dispose();
                return new RingOutResult(call.Status, call.StatusCode, null);
            }
            if (!SdpSession.TryParse(call.SdpAnswer, out var answer, out var sdpError))
                return await HangUpAsync(call, reservation, "unusable SDP answer: " + sdpError).ConfigureAwait(false);
            var negotiated = SdpNegotiator.ProcessAnswer(offer, answer);
            if (!negotiated.IsSuccess) return await HangUpAsync(call, reservation, negotiated.Reason).ConfigureAwait(false);

            var media = reservation.Open(negotiated.Media);
            try
            {
                await media.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                media.Close();
                await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            return new RingOutResult(OutboundCallStatus.Answered, call.StatusCode, new OutboundLeg(call, media, _log));
        }
        catch
        {
            reservation.Dispose();
            throw;
        }
    }

    // RFC 4568 §8.3: keys in SDP need a secure channel. Null when the call must not be placed (SRTP required, refused).
    private SrtpPolicy? SrtpFor(SipProtocol transport, string target)
    {
        if (_srtp == SrtpPolicy.Off || transport == SipProtocol.Tls) return _srtp;
        switch (_plainSignalling)
        {
            case SrtpKeysOverPlainSignalling.Refuse:
                return _srtp == SrtpPolicy.Optional ? SrtpPolicy.Off : null;
            case SrtpKeysOverPlainSignalling.Warn:
                _log?.LogWarning("SRTP keys offered to {Target} over {Transport} signalling, not TLS", target, transport);
                _metrics?.SrtpKeysOverPlainSignalling("outbound");
                return _srtp;
            default:
                return _srtp;
        }
    }

    private static async Task<RingOutResult> HangUpAsync(IOutboundCall call, IMediaReservation reservation, string? problem)
    {
        reservation.Dispose();
        await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        return RingOutResult.Failed(problem ?? "unusable answer", 488);
    }
}
