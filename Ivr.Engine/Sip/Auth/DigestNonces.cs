using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Sip.Auth;

/// <summary>
/// Server nonces (RFC 7616 §3.3, §5.4): each is its issue time, 96 random bits and an HMAC-SHA-256 over both and
/// the realm, so the server keeps no state until a nonce is used; a nonce older than its lifetime is stale.
/// Nonce counts are remembered per used nonce and must grow (replay protection, RFC 7616 §3.4, §5.5).
/// Thread-safe.
/// </summary>
public sealed class DigestNonces
{
    private const int TimeBytes = 8;
    private const int RandomBytes = 12;
    private const int MacBytes = 16;
    private const int NonceBytes = TimeBytes + RandomBytes + MacBytes;

    private readonly byte[] _key;
    private readonly byte[] _realm;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, UsedNonce> _used = new(StringComparer.Ordinal);
    private readonly int _maxTracked;
    private long _lastSweep;

    /// <summary>Creates a nonce source for <paramref name="realm"/>; a null <paramref name="key"/> draws 256 random bits.</summary>
    public DigestNonces(string realm, TimeSpan lifetime, TimeProvider time, byte[]? key = null, int maxTracked = 100_000)
    {
        ArgumentNullException.ThrowIfNull(realm);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTracked, 1);
        Lifetime = lifetime;
        _time = time;
        _realm = Encoding.UTF8.GetBytes(realm);
        _key = key is null ? RandomNumberGenerator.GetBytes(32) : (byte[])key.Clone();
        if (_key.Length < 16) throw new ArgumentException("The nonce key needs at least 128 bits.", nameof(key));
        _maxTracked = maxTracked;
    }

    /// <summary>How long a nonce is accepted after it was issued.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Nonces whose counts are remembered right now.</summary>
    public int Tracked => _used.Count;

    /// <summary>A new nonce (base64url, 48 characters: no quoting needed).</summary>
    public string Issue()
    {
        Span<byte> raw = stackalloc byte[NonceBytes];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(TimeBytes, RandomBytes));
        Sign(raw[..(TimeBytes + RandomBytes)], raw[(TimeBytes + RandomBytes)..]);
        return Base64UrlEncode(raw);
    }

    /// <summary>Checks that <paramref name="nonce"/> was signed here (in constant time) and is not past its lifetime.</summary>
    public NonceCheck Check(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        Span<byte> raw = stackalloc byte[NonceBytes];
        if (!TryBase64UrlDecode(nonce, raw)) return NonceCheck.Invalid;
        Span<byte> mac = stackalloc byte[MacBytes];
        Sign(raw[..(TimeBytes + RandomBytes)], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw[(TimeBytes + RandomBytes)..])) return NonceCheck.Invalid;
        var issued = BinaryPrimitives.ReadInt64BigEndian(raw);
        var age = _time.GetUtcNow().ToUnixTimeMilliseconds() - issued;
        // A nonce from the future was signed by a clock that later stepped back; treat it like an expired one.
        return age < 0 || age > (long)Lifetime.TotalMilliseconds ? NonceCheck.Stale : NonceCheck.Valid;
    }

    /// <summary>
    /// Records nonce count <paramref name="nc"/> (8 hex digits) for a valid nonce whose response was verified; false
    /// when it is not greater than a count already seen with that nonce (a replay) or is malformed.
    /// </summary>
    public bool TryUseCount(string nonce, string nc)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        if (!TryParseCount(nc, out var count)) return false;
        SweepIfDue();
        var expires = _time.GetUtcNow() + Lifetime;
        while (true)
        {
            if (!_used.TryGetValue(nonce, out var seen))
            {
                if (_used.Count >= _maxTracked) return false;
                if (_used.TryAdd(nonce, new UsedNonce(count, expires))) return true;
                continue;
            }
            if (count <= seen.LastCount) return false;
            if (_used.TryUpdate(nonce, seen with { LastCount = count }, seen)) return true;
        }
    }

    /// <summary>
    /// Reads a nonce count (RFC 7616 §3.4: exactly 8 hex digits, counting from 00000001); false for any other text,
    /// 00000000 included.
    /// </summary>
    public static bool TryParseCount(string? nc, out uint count)
    {
        count = 0;
        return nc is { Length: 8 } && nc.All(char.IsAsciiHexDigit)
            && uint.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out count) && count != 0;
    }

    private void SweepIfDue()
    {
        var now = _time.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < Lifetime.Ticks / 4 && _used.Count < _maxTracked) return;
        if (Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last) return;
        foreach (var (key, used) in _used)
        {
            if (used.Expires < now) _used.TryRemove(new KeyValuePair<string, UsedNonce>(key, used));
        }
    }

    private void Sign(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(data);
        hmac.AppendData(_realm);
        Span<byte> full = stackalloc byte[32];
        hmac.GetHashAndReset(full);
        full[..MacBytes].CopyTo(mac);
    }

    private static string Base64UrlEncode(ReadOnlySpan<byte> raw) =>
        Convert.ToBase64String(raw).Replace('+', '-').Replace('/', '_');

    private static bool TryBase64UrlDecode(string text, Span<byte> into)
    {
        if (text.Length != (NonceBytes + 2) / 3 * 4) return false;
        var standard = text.Replace('-', '+').Replace('_', '/');
        return Convert.TryFromBase64String(standard, into, out var written) && written == NonceBytes;
    }

    private sealed record UsedNonce(uint LastCount, DateTimeOffset Expires);
}
