using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Sip.Auth;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The SIP credentials of the agents in <c>agents.json</c> (their <c>sip</c> objects), replaceable at run time when
/// the agents change. Thread-safe: readers see either the old or the new set, never a mix.
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
    /// Replaces the credentials with those of <paramref name="agents"/>. A SIP user claimed by two agents is ambiguous:
    /// neither gets it, and the returned problems say so (for the log); every other agent is still loaded.
    /// </summary>
    public IReadOnlyList<string> Replace(IEnumerable<AgentConfig> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var byUser = new Dictionary<string, SipCredential>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var agent in agents)
        {
            if (agent.Sip is not { } sip) continue;
            var user = sip.User ?? agent.Id;
            if (sip.Password is null && sip.Ha1Md5 is null && sip.Ha1Sha256 is null)
            {
                problems.Add($"Agent '{agent.Id}' has a sip object without password or HA1 hashes; it cannot register.");
                continue;
            }
            var credential = new SipCredential
            {
                User = user,
                AgentId = agent.Id,
                Password = sip.Password,
                Ha1Md5 = sip.Ha1Md5?.ToLowerInvariant(),
                Ha1Sha256 = sip.Ha1Sha256?.ToLowerInvariant(),
            };
            if (ambiguous.Contains(user)) continue;
            if (byUser.Remove(user, out var other))
            {
                ambiguous.Add(user);
                problems.Add($"Agents '{other.AgentId}' and '{agent.Id}' both use the SIP user '{user}'; neither can register until one is changed.");
                continue;
            }
            byUser[user] = credential;
        }
        _byUser = byUser;
        return problems;
    }
}
