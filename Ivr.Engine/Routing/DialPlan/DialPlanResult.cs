namespace Ivr.Engine.Routing.DialPlan;

/// <summary>The dial plan's verdict on a callback number.</summary>
/// <param name="Allowed">Whether the number may be called back.</param>
/// <param name="Number">The number normalised to E.164 (+ and digits), when it could be parsed.</param>
/// <param name="Reason">Why it is refused, or <see cref="DialPlanRefusal.None"/>.</param>
/// <param name="Message">A sentence a prompt can say to the caller.</param>
public sealed record DialPlanResult(bool Allowed, string? Number, DialPlanRefusal Reason, string Message)
{
    /// <summary>An allowed number.</summary>
    public static DialPlanResult Allow(string number) => new(true, number, DialPlanRefusal.None, "We will call you back on this number.");

    /// <summary>A refusal with its prompt.</summary>
    public static DialPlanResult Refuse(string? number, DialPlanRefusal reason) => new(false, number, reason, reason switch
    {
        DialPlanRefusal.Malformed => "Sorry, that is not a valid phone number. Please enter it again, with the area code.",
        DialPlanRefusal.CountryNotAllowed => "Sorry, we cannot call back numbers in that country. Please give another number.",
        DialPlanRefusal.PremiumRate => "Sorry, we cannot call back premium-rate or special numbers. Please give another number.",
        DialPlanRefusal.NotMatchingPattern => "Sorry, we cannot call back that kind of number. Please give a mobile or landline number.",
        DialPlanRefusal.OverDailyCap => "Sorry, this number has already asked for as many callbacks as we can make today.",
        _ => "Sorry, we cannot call back that number.",
    });
}
