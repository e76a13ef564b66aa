using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Stack;

/// <summary>The UAC side of the stack: places calls.</summary>
public interface ISipUserAgent
{
    /// <summary>
    /// Sends an INVITE to <paramref name="target"/> with <paramref name="sdpOffer"/>, ACKs the 2xx, and completes with the outcome;
    /// provisional responses are absorbed; <paramref name="ringTimeout"/> sends CANCEL when no final answer arrives in time.
    /// <paramref name="destination"/>, when given, is where the INVITE and the dialog's requests go instead of the address
    /// <paramref name="target"/> resolves to: the flow a phone behind NAT registered from (its Contact is a private address).
    /// <paramref name="extraHeaders"/> are added to the INVITE as given (extension headers such as <c>X-Ivr-Skill</c>); a name
    /// that is not a token or a value with a control character throws <see cref="ArgumentException"/> (nothing is sent).
    /// </summary>
    Task<IOutboundCall> InviteAsync(SipUri target, string fromUser, string? fromDisplayName, string sdpOffer, TimeSpan ringTimeout, CancellationToken cancellationToken, SipEndPoint? destination = null, IReadOnlyList<KeyValuePair<string, string>>? extraHeaders = null);
}
