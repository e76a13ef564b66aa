namespace Ivr.Engine.Asterisk.Ami;

/// <summary>What an AMI client's stream carries: events, and the connection coming up or going down (watchers resync on <see cref="AmiLinkUp"/>).</summary>
public abstract record AmiNotice(string Asterisk);

/// <summary>An unsolicited event from <paramref name="Asterisk"/> (list events answering an action go to that action instead).</summary>
public sealed record AmiEventReceived(string Asterisk, AmiMessage Event) : AmiNotice(Asterisk);

/// <summary>Logged in to <paramref name="Asterisk"/> (first time or again): state learned before may be stale.</summary>
public sealed record AmiLinkUp(string Asterisk, string Banner) : AmiNotice(Asterisk);

/// <summary>The connection to <paramref name="Asterisk"/> was lost or refused, for <paramref name="Reason"/>.</summary>
public sealed record AmiLinkDown(string Asterisk, string Reason) : AmiNotice(Asterisk);
