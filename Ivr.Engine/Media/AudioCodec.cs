namespace Ivr.Engine.Media;

/// <summary>The audio codecs the engine speaks: G.711 µ-law and A-law (RFC 3551 §4.5.14).</summary>
public enum AudioCodec
{
    /// <summary>G.711 µ-law, static payload type 0 (RFC 3551 Table 4).</summary>
    Pcmu = 0,

    /// <summary>G.711 A-law, static payload type 8 (RFC 3551 Table 4).</summary>
    Pcma = 8,
}
