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
/// <see cref="OutboundLeg"/>. A leg whose answer is unusable is hung up at once and reported as rejected (488).
/// </summary>
public sealed class OutboundDialer
{
    private readonly Func<ISipUserAgent?> _userAgent;
    private readonly IMediaSessionFactory _media;
    private readonly Func<SipUri, SipEndPoint?>? _nextHop;
    private readonly ILogger? _log;
    private readonly SrtpPolicy _srtp;

    /// <summary>
    /// Creates the dialer; <paramref name="userAgent"/> yields the UAC once the SIP stack runs (null before);
    /// <paramref name="nextHop"/> says where a target is really reached when it is not the address its URI names (a
    /// registered phone behind NAT: <see cref="Sip.Registrar.IAgentContacts.NextHopFor"/>); <paramref name="srtp"/> puts SDES
    /// crypto in the offers (RTP/SAVP when required).
    /// </summary>
    public OutboundDialer(Func<ISipUserAgent?> userAgent, IMediaSessionFactory media, string fromUser, Func<SipUri, SipEndPoint?>? nextHop = null, ILogger? log = null, SrtpPolicy srtp = SrtpPolicy.Off)
    {
        _log = log;
        _srtp = srtp;
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

    /// <summary>Calls <paramref name="target"/> (a SIP URI) and, on answer, returns the leg with its media started.</summary>
    public async Task<RingOutResult> DialAsync(string target, string? displayName, TimeSpan ringTimeout, CancellationToken cancellationToken)
    {
        if (!SipUri.TryParse(target, out var uri)) return RingOutResult.Failed($"'{target}' is not a SIP URI");
        if (_userAgent() is not { } userAgent) return RingOutResult.Failed("the SIP stack is not running");

        var reservation = _media.Reserve();
        try
        {
            var local = reservation.LocalEndPoint;
            var offer = SdpNegotiator.CreateOffer(local.Address, local.Port, srtp: _srtp);
            var call = await userAgent.InviteAsync(uri, FromUser, displayName, offer.ToString(), ringTimeout, cancellationToken, _nextHop?.Invoke(uri)).ConfigureAwait(false);
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

    private static async Task<RingOutResult> HangUpAsync(IOutboundCall call, IMediaReservation reservation, string? problem)
    {
        reservation.Dispose();
        await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        return RingOutResult.Failed(problem ?? "unusable answer", 488);
    }
}
