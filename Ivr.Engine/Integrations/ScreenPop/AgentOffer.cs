namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>An offer made to a waiting caller and their answer.</summary>
/// <param name="Offer">What was offered: <c>callback</c>, <c>message</c> or <c>callback+message</c>.</param>
/// <param name="Reason">Why the router offered it (as in the timeline, e.g. <c>wait over target</c>).</param>
/// <param name="Position">The caller's place in the line when offered, null if unknown.</param>
/// <param name="Answer">What the caller answered: <c>key 3</c>, <c>said 'keep waiting'</c>, <c>no match</c>, or <c>none</c> (the offer timed out).</param>
public sealed record AgentOffer(string Offer, string Reason, int? Position, string Answer);
