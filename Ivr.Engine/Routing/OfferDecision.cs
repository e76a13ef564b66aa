namespace Ivr.Engine.Routing;

/// <summary>Whether to offer a callback or message now, why, and the caller's predicted chance of abandoning.</summary>
/// <param name="Offer">Make the offer.</param>
/// <param name="Reason">The first trigger that fired, or <see cref="OfferReason.None"/>.</param>
/// <param name="AbandonProbability">1 − exp(−θ̂·EWT) when the patience rate is known.</param>
public sealed record OfferDecision(bool Offer, OfferReason Reason, double? AbandonProbability = null);
