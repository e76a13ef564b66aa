namespace Ivr.Engine.Sip.Registrar;

/// <summary>Why an agent's registered contacts changed.</summary>
public enum AgentContactChangeKind
{
    /// <summary>A new contact was bound.</summary>
    Registered,

    /// <summary>Existing contacts were refreshed (new expiry); nothing appeared or went.</summary>
    Refreshed,

    /// <summary>The softphone removed a contact (Expires: 0 or <c>Contact: *</c>).</summary>
    Unregistered,

    /// <summary>A contact lapsed without a refresh.</summary>
    Expired,
}
