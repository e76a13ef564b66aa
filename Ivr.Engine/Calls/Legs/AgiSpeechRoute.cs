using System.Net;
using Ivr.Engine.Asterisk.Ari;

namespace Ivr.Engine.Calls.Legs;

/// <summary>How an Asterisk call's speech menus hear the caller: over <paramref name="Ari"/>, Asterisk sending RTP to <paramref name="RtpAddress"/> (null: the media port's own address).</summary>
/// <param name="Ari">The ARI client (one per engine).</param>
/// <param name="RtpAddress">The engine's address as Asterisk reaches it (<c>Asterisk:Ari:RtpAddress</c>).</param>
public sealed record AgiSpeechRoute(AriClient Ari, IPAddress? RtpAddress);
