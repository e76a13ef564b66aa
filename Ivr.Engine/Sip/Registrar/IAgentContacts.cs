using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The router's view of registered softphones: the contact to deliver a call to for an agent, and a notice when a
/// registration appears, is refreshed, removed or lapses. Thread-safe; events are raised outside any lock.
/// </summary>
public interface IAgentContacts
{
    /// <summary>The agent's current contact (highest q, then most recently registered), or null if not registered.</summary>
    AgentContact? Find(string agentId);

    /// <summary>
    /// Where to send a request for <paramref name="contact"/> when it is a registered contact of a phone behind NAT (the
    /// address its REGISTER came from); null when it is not registered or is reached at the address it names.
    /// </summary>
    SipEndPoint? NextHopFor(SipUri contact);

    /// <summary>Every registered agent's current contact.</summary>
    IReadOnlyList<AgentContact> All();

    /// <summary>Raised after an agent's registered contacts changed (on the thread that changed them: keep handlers short).</summary>
    event Action<AgentContactChange>? Changed;
}
