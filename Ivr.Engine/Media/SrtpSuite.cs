namespace Ivr.Engine.Media;

/// <summary>The SRTP crypto suites this engine speaks (RFC 4568 §6.2): AES counter mode with HMAC-SHA1, 80- or 32-bit tag.</summary>
public enum SrtpSuite
{
    /// <summary><c>AES_CM_128_HMAC_SHA1_80</c>: AES-128 counter mode, 80-bit HMAC-SHA1 tag (RFC 4568 §6.2.1).</summary>
    AesCm128HmacSha1_80,

    /// <summary><c>AES_CM_128_HMAC_SHA1_32</c>: AES-128 counter mode, 32-bit HMAC-SHA1 tag (RFC 4568 §6.2.2).</summary>
    AesCm128HmacSha1_32,
}
