using Ivr.Engine.Sip.Auth;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// The SIP credentials of the agents (in the engine: the <c>sip</c> objects of <c>agents.json</c>), replaceable at run
/// time when the agents change. Thread-safe: readers see either the old or the new set, never a mix.
/// </summary>
public sealed class AgentSipCredentials : ISipCredentialSource
{
    private readonly byte[] _decoyKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private volatile IReadOnlyDictionary<string, SipCredential> _byUser = new Dictionary<string, SipCredential>(StringComparer.Ordinal);
    private volatile DigestAlgorithm[][] _algorithmSets = [];

    /// <summary>SIP users known now.</summary>
    public int Count => _byUser.Count;

    /// <inheritdoc />
    public SipCredential? Find(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _byUser.TryGetValue(user, out var c) ? c : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A keyed hash of the name picks one known user's set (users in name order), so a name is challenged the same way
    /// every time and the sets come in the proportions the real users have: an agent holding only an MD5 HA1 is no
    /// longer told apart from a name that does not exist.
    /// </remarks>
    public IReadOnlyList<DigestAlgorithm>? DecoyAlgorithms(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var sets = _algorithmSets;
        if (sets.Length == 0) return null;
        Span<byte> mac = stackalloc byte[32];
        System.Security.Cryptography.HMACSHA256.HashData(_decoyKey, System.Text.Encoding.UTF8.GetBytes(user), mac);
        return sets[(int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mac) % (uint)sets.Length)];
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
            var networks = new List<System.Net.IPNetwork>();
            var badNetwork = sip.AllowedNetworks?.FirstOrDefault(n => !System.Net.IPNetwork.TryParse(n, out _));
            if (badNetwork is not null)
            {
                // Refused rather than let in from anywhere: the file meant to restrict this agent.
                problems.Add($"Agent '{sip.AgentId}' has allowedNetworks entry '{badNetwork}' that is not a CIDR range; it cannot register until it is fixed.");
                continue;
            }
            foreach (var n in sip.AllowedNetworks ?? []) networks.Add(System.Net.IPNetwork.Parse(n));
            var credential = new SipCredential
            {
                AllowedNetworks = Ivr.Engine.Net.AddressRanges.Of(networks),
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
        _algorithmSets = byUser.Values.OrderBy(c => c.User, StringComparer.Ordinal)
            .Select(c => new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Md5 }.Where(c.Supports).ToArray()).ToArray();
        _byUser = byUser;
        return problems;
    }
}
