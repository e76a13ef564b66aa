namespace Ivr.Engine.Media;

/// <summary>
/// What to do when SDES keys (<c>a=crypto</c>) would travel in SDP over signalling that is not TLS
/// (<c>Media:SrtpKeysOverPlainSignalling</c>): RFC 4568 §8.3 requires a secure channel, since anyone who reads the SDP can
/// decrypt the media.
/// </summary>
public enum SrtpKeysOverPlainSignalling
{
    /// <summary>Send them without a word (a closed lab network).</summary>
    Allow,

    /// <summary>Send them, with one warning log line per call and a count in <c>ivr.calls.srtp_keys_plain_signalling</c>.</summary>
    Warn,

    /// <summary>
    /// Never send them: with <see cref="SrtpPolicy.Optional"/> the call goes on in plain RTP (an <c>RTP/SAVP</c> offer gets
    /// 488); with <see cref="SrtpPolicy.Required"/> an incoming call gets 488 and an outgoing one is not placed.
    /// </summary>
    Refuse,
}
