namespace Ivr.Engine.Routing.DialPlan;

/// <summary>The callback dial plan's configuration (the <c>dialPlan</c> object of <c>agents.json</c>).</summary>
public sealed record DialPlanOptions
{
    /// <summary>Country code (with +) assumed for national numbers such as 0612345678; null: national numbers are malformed.</summary>
    public string? DefaultCountry { get; init; } = "+33";

    /// <summary>Allowed E.164 country prefixes (e.g. "+33", "+44", "+1"); empty: any.</summary>
    public IReadOnlyList<string> AllowedCountries { get; init; } = ["+33", "+44", "+1"];

    /// <summary>Regular expressions over the E.164 number; if any are given, the number must match one.</summary>
    public IReadOnlyList<string> AllowedPatterns { get; init; } = [];

    /// <summary>Refused E.164 prefixes: premium rate and special services (e.g. "+3389", "+449", "+1900", "+1976").</summary>
    public IReadOnlyList<string> RefusedPrefixes { get; init; } = ["+3381", "+3382", "+3389", "+449", "+4487", "+1900", "+1976"];

    /// <summary>Fewest digits (country code included).</summary>
    public int MinDigits { get; init; } = 8;

    /// <summary>Most digits (country code included); E.164 allows 15.</summary>
    public int MaxDigits { get; init; } = 15;

    /// <summary>Callbacks one number may book per local day; null: no cap.</summary>
    public int? DailyCapPerNumber { get; init; } = 3;

    /// <summary>Offset of the local day the cap counts in (the contact centre's time zone); default UTC.</summary>
    public TimeSpan LocalOffset { get; init; } = TimeSpan.Zero;
}
