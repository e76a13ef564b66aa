namespace Ivr.Engine.Sip.Auth;

/// <summary>
/// Digest authentication of SIP requests by a UAS (RFC 3261 §22.4 with RFC 7616 and RFC 8760): builds the
/// WWW-Authenticate challenges (SHA-256 first, MD5 as fallback, qop=auth) and verifies Authorization credentials
/// against signed, time-limited nonces with nonce-count replay protection and constant-time comparison. Thread-safe.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly DigestNonces _nonces;
    private readonly ISipCredentialSource _credentials;
    private readonly DigestAlgorithm[] _preference;

    /// <summary>Creates an authenticator for <paramref name="realm"/> offering <paramref name="algorithms"/> in that order (default: SHA-256, MD5).</summary>
    public DigestAuthenticator(string realm, DigestNonces nonces, ISipCredentialSource credentials, IReadOnlyList<DigestAlgorithm>? algorithms = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(credentials);
        if (realm.Contains('"') || realm.Contains('\\')) throw new ArgumentException("The realm may not contain quotes or backslashes.", nameof(realm));
        Realm = realm;
        _nonces = nonces;
        _credentials = credentials;
        _preference = algorithms is { Count: > 0 } ? algorithms.Distinct().ToArray() : [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];
    }

    /// <summary>The protection realm (RFC 3261 §22.1).</summary>
    public string Realm { get; }

    /// <summary>
    /// WWW-Authenticate values, most preferred first (RFC 8760 §2.4): one per algorithm that can be verified for
    /// <paramref name="user"/> (for an unknown user, the set of a known one: <see cref="ISipCredentialSource.DecoyAlgorithms"/>),
    /// all with one new nonce. Every algorithm was left out (a decoy set outside <c>Registrar:Algorithms</c>): all of them.
    /// </summary>
    public IReadOnlyList<string> Challenges(string? user, bool stale)
    {
        var credential = user is null ? null : _credentials.Find(user);
        // An unknown user is challenged like some known one, so the set of challenges does not tell them apart.
        var decoy = credential is null && user is not null ? _credentials.DecoyAlgorithms(user) : null;
        var nonce = _nonces.Issue();
        var values = new List<string>(2);
        foreach (var algorithm in _preference)
        {
            if (credential is not null && !credential.Supports(algorithm)) continue;
            if (decoy is not null && !decoy.Contains(algorithm)) continue;
            values.Add($"Digest realm=\"{Realm}\", nonce=\"{nonce}\", algorithm={Digest.Token(algorithm)}, qop=\"auth\"" + (stale ? ", stale=true" : ""));
        }
        if (values.Count == 0 && decoy is not null) return Challenges(null, stale);
        return values;
    }

    /// <summary>Verifies the Authorization credentials for our realm in <paramref name="request"/> (RFC 7616 §3.4, §3.5).</summary>
    public DigestVerdict Verify(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        DigestCredentials? credentials = null;
        foreach (var value in request.Headers.GetValues(SipHeaderNames.Authorization))
        {
            if (!DigestCredentials.TryParse(value, out var parsed, out var error))
            {
                if (value.TrimStart().StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
                    return new(DigestOutcome.Malformed, null, "Bad Authorization: " + error);
                continue;
            }
            // RFC 3261 §22.4: credentials for other realms are someone else's (a proxy's); only ours count.
            if (parsed.Realm == Realm)
            {
                credentials = parsed;
                break;
            }
        }
        if (credentials is null) return new(DigestOutcome.Missing, null, "no credentials for realm " + Realm);

        // Every verdict from here names the claimed user, so a lockout of it or of the source covers them all.
        var claimed = credentials.Username;
        if (!Digest.TryParseAlgorithm(credentials.Algorithm, out var algorithm) || Array.IndexOf(_preference, algorithm) < 0)
            return new(DigestOutcome.Unusable, null, "unsupported algorithm " + credentials.Algorithm, claimed);
        if (!string.Equals(credentials.Qop, "auth", StringComparison.OrdinalIgnoreCase) || credentials.Cnonce is null || credentials.NonceCount is null)
            return new(DigestOutcome.Unusable, null, "qop=auth with cnonce and nc is required", claimed);
        // Checked before any hashing: a count that could never be used must not lead to an answer that depends on the
        // password (the right one would meet the count check, a wrong one the 403: a password oracle).
        if (!DigestNonces.TryParseCount(credentials.NonceCount, out _))
            return new(DigestOutcome.Malformed, null, $"nonce count '{credentials.NonceCount}' is not 8 hex digits from 00000001", claimed);
        // RFC 3261 §22.4 / RFC 7616 §3.4.6: the digest-uri must be the Request-URI, or a captured response could be replayed elsewhere.
        if (!SipUri.TryParse(credentials.Uri, out var digestUri) || !digestUri.EqualsRfc(request.RequestUri))
            return new(DigestOutcome.Malformed, null, "Authorization uri is not the Request-URI", claimed);

        var nonce = _nonces.Check(credentials.Nonce);
        if (nonce == NonceCheck.Invalid) return new(DigestOutcome.Unusable, null, "nonce not issued here", claimed);

        var credential = _credentials.Find(credentials.Username);
        var ha1 = credential?.Ha1(algorithm, Realm);
        // An unknown user costs the same hashing as a known one with a plain password (an HA1 of a throwaway secret, then
        // the response), so timing does not tell them apart; it is refused below whatever the comparison says.
        var expected = Digest.Response(algorithm, ha1 ?? Digest.Ha1(algorithm, credentials.Username, Realm, credentials.Cnonce), credentials.Nonce,
            credentials.NonceCount, credentials.Cnonce, "auth", request.Method, credentials.Uri);
        var matches = Digest.FixedTimeEquals(expected, credentials.Response);
        if (credential is null || ha1 is null || !matches)
            return new(DigestOutcome.Rejected, null, credential is null ? $"unknown user '{credentials.Username}'" : $"wrong password for '{credentials.Username}'", credentials.Username);

        if (nonce == NonceCheck.Stale) return new(DigestOutcome.Stale, credential, "nonce expired", credentials.Username);
        if (!_nonces.TryUseCount(credentials.Nonce, credentials.NonceCount))
            return new(DigestOutcome.Unusable, null, $"nonce count {credentials.NonceCount} replayed", credentials.Username);
        return new(DigestOutcome.Authenticated, credential, "", credentials.Username);
    }
}
