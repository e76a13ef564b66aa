namespace Ivr.Engine.Routing.Configuration;

/// <summary>
/// An agent's SIP registration credentials in <c>agents.json</c>: either a plain password or, preferably, the HA1
/// hashes H(user:realm:password) for MD5 and/or SHA-256, so the file holds no password (docs/registrar.md).
/// </summary>
public sealed record AgentSipConfig
{
    /// <summary>The SIP user name the softphone registers and authenticates as; null: the agent id.</summary>
    public string? User { get; init; }

    /// <summary>The plain password (discouraged: prefer <see cref="Ha1Sha256"/> and <see cref="Ha1Md5"/>).</summary>
    public string? Password { get; init; }

    /// <summary>Lower-case hex MD5(user:realm:password), for user agents that only speak MD5 Digest.</summary>
    public string? Ha1Md5 { get; init; }

    /// <summary>Lower-case hex SHA-256(user:realm:password) (RFC 7616 §3.4.2).</summary>
    public string? Ha1Sha256 { get; init; }

    /// <summary>
    /// CIDR ranges the softphone may register from (e.g. <c>192.0.2.0/24</c>); null or empty: anywhere. A REGISTER from
    /// elsewhere is refused with 403 even with the right password, and logged.
    /// </summary>
    public IReadOnlyList<string>? AllowedNetworks { get; init; }
}
