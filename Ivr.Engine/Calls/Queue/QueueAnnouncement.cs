using FlowOfferPolicy = Ivr.Flows.Model.Steps.OfferPolicy;

namespace Ivr.Engine.Calls.Queue;

/// <summary>What a waiting caller is told: their position and/or wait range, or an offer (the words come from the engine's prompts).</summary>
/// <param name="Position">The 1-based position to say, or null.</param>
/// <param name="Wait">The wait range to say, or null.</param>
/// <param name="Offer">The offer to make (its keys), or null for a plain announcement.</param>
/// <param name="OfferReason">Why the router offers, for the log.</param>
public sealed record QueueAnnouncement(int? Position, Ivr.Engine.Routing.AnnouncedWait? Wait, FlowOfferPolicy? Offer, string? OfferReason)
{
    /// <summary>True when this is an offer.</summary>
    public bool IsOffer => Offer is not null;
}
