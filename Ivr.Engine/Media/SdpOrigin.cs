namespace Ivr.Engine.Media;

/// <summary>The <c>o=</c> line (RFC 4566 §5.2): username, session id and version, and the originator's address.</summary>
public sealed record SdpOrigin(string Username, string SessionId, string SessionVersion, string NetworkType, string AddressType, string Address)
{
    /// <summary>The value of the line (after <c>o=</c>).</summary>
    public override string ToString() => $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}";
}
