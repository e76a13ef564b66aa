namespace Ivr.Engine.Media;

/// <summary>Whether calls use SRTP keyed by SDES (<c>Media:Srtp</c>).</summary>
public enum SrtpPolicy
{
    /// <summary>Plain RTP only: <c>RTP/SAVP</c> offers are refused, <c>a=crypto</c> in an <c>RTP/AVP</c> offer is ignored.</summary>
    Off,

    /// <summary>SRTP when the peer offers an acceptable <c>a=crypto</c>, plain RTP otherwise; our offers carry crypto over <c>RTP/AVP</c>.</summary>
    Optional,

    /// <summary>SRTP or no call: an offer without an acceptable <c>a=crypto</c> gets 488; our offers are <c>RTP/SAVP</c>.</summary>
    Required,
}
