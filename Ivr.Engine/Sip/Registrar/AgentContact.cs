using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>Where a registered agent's softphone can be reached now.</summary>
public sealed record AgentContact
{
    /// <summary>The agent's id in <c>agents.json</c>.</summary>
    public required string AgentId { get; init; }

    /// <summary>The SIP user of the agent's address-of-record.</summary>
    public required string User { get; init; }

    /// <summary>The registered contact URI: the Request-URI to INVITE the agent with.</summary>
    public required SipUri Uri { get; init; }

    /// <summary>The transport to use: the contact's transport parameter, else the one the REGISTER came over.</summary>
    public required SipProtocol Transport { get; init; }

    /// <summary>
    /// The address the REGISTER came from; send there when the contact's host is not reachable (a softphone behind NAT
    /// advertises a private address), and over TCP this is the connection the softphone keeps open.
    /// </summary>
    public required SipEndPoint Received { get; init; }

    /// <summary>
    /// Where requests for this contact go instead of the address its URI names: <see cref="Received"/> when the phone is
    /// behind NAT (its contact is a private address other than the one the REGISTER came from) or registered over TCP
    /// (the connection it keeps open), else null.
    /// </summary>
    public SipEndPoint? NextHop { get; init; }

    /// <summary>When the registration lapses unless refreshed.</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>The softphone's User-Agent header, if it sent one.</summary>
    public string? UserAgent { get; init; }
}
