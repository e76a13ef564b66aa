namespace Ivr.Engine.Sip.Stack;

/// <summary>A source banned now (<c>GET /api/security/bans</c>).</summary>
/// <param name="Source">The address (an IPv6 source is limited by its /64 network).</param>
/// <param name="Reason">Which limit it went over, e.g. <c>INVITE over 100/s (burst 200)</c>.</param>
/// <param name="Since">When this ban began.</param>
/// <param name="Until">When it ends.</param>
/// <param name="Count">How many times this source was banned (the ban doubles each time).</param>
/// <param name="Refused">Packets dropped or refused since this ban began.</param>
public sealed record SipSourceBan(string Source, string Reason, DateTimeOffset Since, DateTimeOffset Until, int Count, long Refused);
