using System.Globalization;
using System.Text;
using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Transport;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// The one place that decides, without side effects, whether an INVITE becomes a call, in this order: drain and capacity
/// (503 + Retry-After, RFC 3261 §21.5.4), the flow chosen by the dialled number (404 when unknown and no default, 480 when
/// its flow is not loaded), and the SDP offer (488 + Warning when absent, unreadable or without an acceptable stream,
/// RFC 3264 §6), then whether SDES keys may answer over the INVITE's transport (RFC 4568 §8.3: only TLS keeps them secret).
/// The stream is chosen here; the answer is only written once a local port is reserved.
/// </summary>
public static class CallAdmission
{
    private const string KeysNeedTls = "SRTP keys need TLS signalling";

    /// <summary>
    /// Decides for <paramref name="invite"/>, received over <paramref name="transport"/>, given the live call count and
    /// whether the node drains.
    /// </summary>
    public static Admission Decide(SipRequest invite, SipProtocol transport, string callId, CallManagerSettings settings, IFlowCatalog flows, int liveCalls, bool draining)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(flows);
        if (draining) return Admission.Reject(503, "draining", RetryAfter(settings));
        if (liveCalls >= settings.MaxCalls) return Admission.Reject(503, $"over capacity ({liveCalls} live calls)", RetryAfter(settings));

        var dialled = invite.RequestUri.UserUnescaped ?? string.Empty;
        var flowId = settings.FlowMap.TryGetValue(dialled, out var mapped) ? mapped : settings.DefaultFlow;
        if (flowId is null) return Admission.Reject(404, $"no flow for '{dialled}'");
        if (flows.Find(flowId) is not { } flow)
        {
            return Admission.Reject(480, $"flow '{flowId}' for '{dialled}' is not loaded");
        }

        // RFC 3264 §5: we need the offer in the INVITE; the stack seam cannot carry an answer in the ACK.
        if (invite.Body.IsEmpty) return Admission.Reject(488, "no SDP offer in the INVITE", Warning("offer required in INVITE"));
        var text = Encoding.UTF8.GetString(invite.Body.Span);
        if (!SdpSession.TryParse(text, out var offer, out var error)) return Admission.Reject(488, "SDP offer unreadable: " + error, Warning("bad SDP"));

        var sdp = SdpNegotiator.Choose(offer, srtp: settings.Srtp);
        if (!sdp.IsSuccess) return Admission.Reject(sdp.StatusCode, sdp.Reason, Warning(sdp.Reason));
        var keysInClear = sdp.Media.Srtp is not null && transport != SipProtocol.Tls;
        if (keysInClear && settings.SrtpKeysOverPlainSignalling == SrtpKeysOverPlainSignalling.Refuse)
        {
            if (settings.Srtp == SrtpPolicy.Required) return Admission.Reject(488, $"{KeysNeedTls} (the INVITE came over {transport})", Warning(KeysNeedTls));

            // Optional: answer plain RTP, which an RTP/SAVP offer does not accept (488).
            sdp = SdpNegotiator.Choose(offer, srtp: SrtpPolicy.Off);
            if (!sdp.IsSuccess) return Admission.Reject(sdp.StatusCode, $"{KeysNeedTls}, and the offer is SRTP only", Warning(KeysNeedTls));
            keysInClear = false;
        }

        var from = invite.From;
        var call = new CallInfo(callId, from?.Uri.UserUnescaped ?? string.Empty, from?.DisplayName, dialled);
        return new Admission
        {
            StatusCode = 200,
            Reason = "accepted",
            Flow = flow,
            Sdp = sdp,
            Call = call,
            KeysOverPlainSignalling = keysInClear && settings.SrtpKeysOverPlainSignalling == SrtpKeysOverPlainSignalling.Warn,
        };
    }

    /// <summary>The Retry-After header sent with a 503 (RFC 3261 §20.33), in whole seconds rounded up.</summary>
    public static SipHeader RetryAfter(CallManagerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new SipHeader(SipHeaderNames.RetryAfter, ((int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
    }

    // RFC 3261 §20.43: warn-code 399 (miscellaneous), agent, quoted text.
    private static SipHeader Warning(string text) =>
        new(SipHeaderNames.Warning, "399 ivr \"" + text.Replace("\"", "'", StringComparison.Ordinal).Replace("\\", "/", StringComparison.Ordinal) + "\"");
}
