namespace Ivr.Engine.Sip.Registrar;

/// <summary>
/// What the registrar needs of one agent that may register a softphone: its id, its SIP user and its secret, either a
/// plain password or the HA1 hashes H(user:realm:password) (docs/registrar.md). Hosting reads these from the agents file.
/// </summary>
/// <param name="AgentId">The agent the registered phone belongs to.</param>
/// <param name="User">The SIP user name the softphone registers and authenticates as; null: <paramref name="AgentId"/>.</param>
/// <param name="Password">The plain password, or null.</param>
/// <param name="Ha1Md5">Hex MD5(user:realm:password), or null.</param>
/// <param name="Ha1Sha256">Hex SHA-256(user:realm:password) (RFC 7616 §3.4.2), or null.</param>
/// <param name="AllowedNetworks">CIDR ranges the phone may register from; null or empty: anywhere.</param>
public sealed record AgentSipAccount(string AgentId, string? User = null, string? Password = null, string? Ha1Md5 = null, string? Ha1Sha256 = null,
    IReadOnlyList<string>? AllowedNetworks = null);
