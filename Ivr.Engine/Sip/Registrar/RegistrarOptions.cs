namespace Ivr.Engine.Sip.Registrar;

/// <summary>How the registrar authenticates and how long it keeps bindings (RFC 3261 §10.3).</summary>
public sealed record RegistrarOptions
{
    /// <summary>The Digest realm; stored HA1 hashes must have been computed with it.</summary>
    public string Realm { get; init; } = "ivr";

    /// <summary>Shortest registration accepted; a shorter non-zero one gets 423 with Min-Expires (RFC 3261 §10.3 step 7).</summary>
    public TimeSpan MinExpires { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest registration granted; longer requests are shortened to this.</summary>
    public TimeSpan MaxExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Used when neither the Contact's expires parameter nor an Expires header says (RFC 3261 §10.2.1.1).</summary>
    public TimeSpan DefaultExpires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a nonce is accepted; older ones get a stale=true challenge.</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Digest algorithms offered, most preferred first (RFC 8760 §2.4: SHA-256, then MD5). A user agent that reads only
    /// the first challenge and knows only MD5 (sipp 3.6.1) needs MD5 first; one that fails on any challenge it cannot
    /// compute (baresip 1.0 with libre 1.1) needs MD5 alone.
    /// </summary>
    public IReadOnlyList<Auth.DigestAlgorithm> Algorithms { get; init; } = [Auth.DigestAlgorithm.Sha256, Auth.DigestAlgorithm.Md5];

    /// <summary>Bindings one address-of-record may hold; a REGISTER that would exceed it gets 403.</summary>
    public int MaxContactsPerAor { get; init; } = 5;

    /// <summary>
    /// Ranges a phone behind NAT advertises: a contact in one of them registered from another address is reached at the
    /// address the REGISTER came from (<see cref="AgentContact.NextHop"/>).
    /// </summary>
    public Net.NatNetworks NatNetworks { get; init; } = Net.NatNetworks.Default;

    /// <summary>Failed Digest attempts (wrong password or unknown user) within <see cref="FailureWindow"/> that lock a source address, and apart from it a user.</summary>
    public int MaxAuthFailures { get; init; } = 5;

    /// <summary>Failures older than this (since the last one) are forgotten.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The first lockout's length; each further lockout of the same key doubles it, up to <see cref="MaxLockoutTime"/>.</summary>
    public TimeSpan LockoutTime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest lockout.</summary>
    public TimeSpan MaxLockoutTime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A key without a failure for this long starts again at the first lockout length.</summary>
    public TimeSpan LockoutMemory { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long a (user, address) pair that authenticated stays exempt from lockouts of that user and that address.</summary>
    public TimeSpan KnownSourceTime { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Users, addresses and known pairs remembered at most (each table); beyond it new keys are not tracked.</summary>
    public int MaxTrackedAuthKeys { get; init; } = 100_000;

    /// <summary>Throws <see cref="ArgumentException"/> with a clear message when the settings contradict each other.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Realm) || Realm.Contains('"') || Realm.Contains('\\'))
            throw new ArgumentException($"Registrar realm '{Realm}' must be non-empty text without quotes or backslashes.");
        if (MinExpires < TimeSpan.FromSeconds(1)) throw new ArgumentException("Registrar MinExpires must be at least one second.");
        if (MaxExpires < MinExpires) throw new ArgumentException($"Registrar MaxExpires ({MaxExpires}) is shorter than MinExpires ({MinExpires}).");
        if (DefaultExpires < MinExpires || DefaultExpires > MaxExpires)
            throw new ArgumentException($"Registrar DefaultExpires ({DefaultExpires}) must lie between MinExpires and MaxExpires.");
        if (NonceLifetime < TimeSpan.FromSeconds(1)) throw new ArgumentException("Registrar NonceLifetime must be at least one second.");
        if (Algorithms.Count == 0 || Algorithms.Distinct().Count() != Algorithms.Count)
            throw new ArgumentException("Registrar Algorithms must name SHA-256 and/or MD5, each once.");
        if (MaxContactsPerAor < 1) throw new ArgumentException("Registrar MaxContactsPerAor must be at least 1.");
        if (MaxAuthFailures < 1) throw new ArgumentException("Registrar MaxAuthFailures must be at least 1.");
        if (FailureWindow <= TimeSpan.Zero || LockoutTime <= TimeSpan.Zero || LockoutMemory <= TimeSpan.Zero || KnownSourceTime < TimeSpan.Zero)
            throw new ArgumentException("Registrar FailureWindow, LockoutTime and LockoutMemory must be positive, KnownSourceTime not negative.");
        if (MaxLockoutTime < LockoutTime) throw new ArgumentException($"Registrar MaxLockoutTime ({MaxLockoutTime}) is shorter than LockoutTime ({LockoutTime}).");
        if (MaxTrackedAuthKeys < 1) throw new ArgumentException("Registrar MaxTrackedAuthKeys must be at least 1.");
    }
}
