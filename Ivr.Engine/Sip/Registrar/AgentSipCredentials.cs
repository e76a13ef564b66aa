using Ivr.Engine.Sip.Auth;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The SIP credentials of the agents (in the engine: the <c>sip</c> objects of <c>agents.json</c>), replaceable at run
/// time when the agents change. Thread-safe: readers see either the old or the new set, never a mix.
/// </summary>
public sealed class AgentSipCredentials : ISipCredentialSource
{
    private volatile IReadOnlyDictionary<string, SipCredential> _byUser = new Dictionary<string, SipCredential>(StringComparer.Ordinal);

    /// <summary>SIP users known now.</summary>
    public int Count => _byUser.Count;

    /// <inheritdoc />
    public SipCredential? Find(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _byUser.TryGetValue(user, out var c) ? c : null;
    }

    /// <summary>
    /// Replaces the credentials with <paramref name="accounts"/>. A SIP user claimed by two agents is ambiguous:
    /// neither gets it, and the returned problems say so (for the log); every other agent is still loaded.
    /// </summary>
    public IReadOnlyList<string> Replace(IEnumerable<AgentSipAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var byUser = new Dictionary<string, SipCredential>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var sip in accounts)
        {
            var user = sip.User ?? sip.AgentId;
            if (sip.Password is null && sip.Ha1Md5 is null && sip.Ha1Sha256 is null)
            {
                problems.Add($"Agent '{sip.AgentId}' has a sip object without password or HA1 hashes; it cannot register.");
                continue;
            }
            var credential = new SipCredential
            {
                User = user,
                AgentId = sip.AgentId,
                Password = sip.Password,
                Ha1Md5 = sip.Ha1Md5?.ToLowerInvariant(),
                Ha1Sha256 = sip.Ha1Sha256?.ToLowerInvariant(),
            };
            if (ambiguous.Contains(user)) continue;
            if (byUser.Remove(user, out var other))
            {
                ambiguous.Add(user);
                problems.Add($"Agents '{other.AgentId}' and '{sip.AgentId}' both use the SIP user '{user}'; neither can register until one is changed.");
                continue;
            }
            byUser[user] = credential;
        }
        _byUser = byUser;
        return problems;
    }
}
