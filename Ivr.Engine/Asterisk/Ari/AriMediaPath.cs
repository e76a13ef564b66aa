using System.Net;

namespace Ivr.Engine.Asterisk.Ari;

/// <summary>
/// What ARI set up to hear one Asterisk channel: a snoop channel on it (<c>spy=in</c>: what the caller says), an
/// <c>externalMedia</c> channel sending that audio as RTP, and the mixing bridge joining the two.
/// </summary>
/// <param name="Channel">The caller's channel (its Asterisk unique id).</param>
/// <param name="SnoopId">The snoop channel's id.</param>
/// <param name="ExternalId">The external media channel's id.</param>
/// <param name="BridgeId">The bridge's id.</param>
/// <param name="AsteriskRtp">Where the external media channel sends from and listens (<c>UNICASTRTP_LOCAL_ADDRESS</c>/<c>PORT</c>).</param>
public sealed record AriMediaPath(string Channel, string SnoopId, string ExternalId, string BridgeId, IPEndPoint AsteriskRtp);
