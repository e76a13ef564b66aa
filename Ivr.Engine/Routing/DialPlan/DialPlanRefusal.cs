namespace Ivr.Engine.Routing.DialPlan;

/// <summary>Why the dial plan refuses a callback number.</summary>
public enum DialPlanRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>Not a phone number: wrong characters, too few or too many digits, or no country code.</summary>
    Malformed,

    /// <summary>The country code is not in the allowed list.</summary>
    CountryNotAllowed,

    /// <summary>A premium-rate (or otherwise refused) prefix: toll fraud guard.</summary>
    PremiumRate,

    /// <summary>The number matches none of the allowed patterns.</summary>
    NotMatchingPattern,

    /// <summary>The number already has its daily quota of callbacks.</summary>
    OverDailyCap,
}
