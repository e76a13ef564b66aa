namespace Ivr.Engine.Media;

/// <summary>Stream direction attributes of RFC 4566 §6 (sendrecv is the default when none is given).</summary>
public enum MediaDirection
{
    /// <summary><c>a=sendrecv</c>: both ways.</summary>
    SendRecv,

    /// <summary><c>a=sendonly</c>: the describing side only sends.</summary>
    SendOnly,

    /// <summary><c>a=recvonly</c>: the describing side only receives.</summary>
    RecvOnly,

    /// <summary><c>a=inactive</c>: neither side sends media.</summary>
    Inactive,
}
