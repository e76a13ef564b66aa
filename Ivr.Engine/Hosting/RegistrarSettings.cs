using Ivr.Engine.Sip.Auth;
using Ivr.Engine.Sip.Registrar;

namespace Ivr.Engine.Hosting;

/// <summary>The agents' registrar (<c>Registrar</c> section): realm, expiry bounds, nonce lifetime, where credentials come from.</summary>
public sealed class RegistrarSettings
{
    /// <summary>Answer REGISTER at all (false: 501, as a plain IVR does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The file holding the agents and their <c>sip</c> credentials; null (the default): the router's agents file
    /// (<c>Routing:AgentsFile</c>), whose saves and HTTP updates then reload the credentials too.
    /// </summary>
    public string? AgentsFile { get; set; }

    /// <summary>
    /// Keep bindings in the registration store (<c>Storage:Provider</c>: the data folder's SQLite file, or PostgreSQL shared
    /// by a cluster's nodes), so they outlive a restart and a node; false: in memory only, as before.
    /// </summary>
    public bool Store { get; set; } = true;

    /// <summary>
    /// With a shared store (PostgreSQL), how often each node reads it again to learn the bindings the other nodes took
    /// (default 2 s); a single node on SQLite reads it at start only.
    /// </summary>
    public TimeSpan StoreRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a REGISTER waits for the store before it is answered 500 (default 2 s; the SIP stack answers REGISTER on its
    /// receive path, so this bounds how long a database outage holds it up).
    /// </summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Digest realm; HA1 hashes in the agents file must be computed with it.</summary>
    public string Realm { get; set; } = "ivr";

    /// <summary>Shortest registration accepted (423 below it).</summary>
    public TimeSpan MinExpires { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest registration granted.</summary>
    public TimeSpan MaxExpires { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Registration length when the softphone does not ask for one.</summary>
    public TimeSpan DefaultExpires { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a nonce is accepted before a stale=true challenge.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Digest algorithms offered, most preferred first: <c>SHA-256</c>, <c>MD5</c> (both, in that order, when empty).</summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Contacts one agent may register at once.</summary>
    public int MaxContactsPerAor { get; set; } = 5;

    /// <summary>Failed Digest attempts within <see cref="FailureWindow"/> that lock out the source address, and (counted apart) the user.</summary>
    public int MaxAuthFailures { get; set; } = 5;

    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The first lockout's length; it doubles with each further lockout, up to <see cref="MaxLockoutTime"/>.</summary>
    public TimeSpan LockoutTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest lockout.</summary>
    public TimeSpan MaxLockoutTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>After this long without a failure, lockouts start again at <see cref="LockoutTime"/>.</summary>
    public TimeSpan LockoutMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a user and address that authenticated together stay exempt from that user's and that address's lockouts.</summary>
    public TimeSpan KnownSourceTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The registrar's options from these settings.</summary>
    public RegistrarOptions ToOptions() => new()
    {
        Realm = Realm,
        MinExpires = MinExpires,
        MaxExpires = MaxExpires,
        DefaultExpires = DefaultExpires,
        NonceLifetime = NonceLifetime,
        MaxContactsPerAor = MaxContactsPerAor,
        MaxAuthFailures = MaxAuthFailures,
        FailureWindow = FailureWindow,
        LockoutTime = LockoutTime,
        MaxLockoutTime = MaxLockoutTime,
        LockoutMemory = LockoutMemory,
        KnownSourceTime = KnownSourceTime,
        Algorithms = Algorithms.Count == 0 ? new RegistrarOptions().Algorithms : Algorithms.Select(ParseAlgorithm).ToArray(),
    };

    private static DigestAlgorithm ParseAlgorithm(string token) =>
        Digest.TryParseAlgorithm(token?.Trim(), out var algorithm) && token is not null
            ? algorithm
            : throw new ArgumentException($"Registrar Algorithms: '{token}' is not a supported Digest algorithm (SHA-256 or MD5).");
}
