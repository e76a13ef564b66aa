using System.Globalization;
using System.Net;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Registrations;

/// <summary>
/// One row of the <c>registrations</c> table as both providers hold it: the binding's fields as text and numbers, the
/// source split into transport, address and port (what reaches the phone from any node).
/// </summary>
internal sealed record RegistrationRow(
    string AgentId, string User, string Contact, string? Q, string CallId, long CSeq, DateTimeOffset Expires, DateTimeOffset Registered,
    string Transport, string Address, int Port, string? UserAgent, string? Node)
{
    /// <summary>The columns, in the order of <see cref="RegistrationRow"/>'s parameters.</summary>
    public const string Columns = "agent_id, aor_user, contact, q, call_id, cseq, expires_at, registered_at, transport, received_address, received_port, user_agent, node";

    /// <summary>The row of <paramref name="binding"/>.</summary>
    public static RegistrationRow Of(string agentId, string user, RegistrationBinding binding) => new(
        agentId, user, binding.Contact.ToString(), binding.Q, binding.CallId, binding.CSeq, binding.Expires, binding.Registered,
        binding.Received.Protocol.ToString().ToLowerInvariant(), binding.Received.EndPoint.Address.ToString(), binding.Received.EndPoint.Port,
        binding.UserAgent, binding.Node);

    /// <summary>The stored binding; a row that no longer parses (written by hand) is refused with the reason.</summary>
    public StoredRegistration ToStored()
    {
        if (!SipUri.TryParse(Contact, out var contact))
            throw new RegistrationStoreException($"Registration of agent {AgentId}: contact '{Contact}' is not a SIP URI");
        if (!Enum.TryParse<SipProtocol>(Transport, ignoreCase: true, out var protocol) || !IPAddress.TryParse(Address, out var address)
            || Port is < 0 or > 65535)
        {
            throw new RegistrationStoreException(string.Create(CultureInfo.InvariantCulture,
                $"Registration of agent {AgentId}: source '{Transport}:{Address}:{Port}' is not a transport address"));
        }
        return new StoredRegistration(AgentId, User, new RegistrationBinding
        {
            Contact = contact,
            Q = Q,
            CallId = CallId,
            CSeq = CSeq,
            Expires = Expires,
            Registered = Registered,
            Received = new SipEndPoint(protocol, new IPEndPoint(address, Port)),
            UserAgent = UserAgent,
            Node = Node,
        });
    }
}
