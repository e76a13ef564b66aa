using System.Globalization;
using Ivr.Engine.Routing.DialPlan;

namespace Ivr.Engine.Routing.Configuration;

/// <summary>The <c>dialPlan</c> object of <c>agents.json</c>; absent members take <see cref="DialPlanOptions"/>' defaults.</summary>
public sealed record DialPlanConfig
{
    /// <summary>Country code assumed for national numbers.</summary>
    public string? DefaultCountry { get; init; }

    /// <summary>Allowed E.164 country prefixes.</summary>
    public IReadOnlyList<string>? AllowedCountries { get; init; }

    /// <summary>Allowed patterns (regular expressions over the E.164 number).</summary>
    public IReadOnlyList<string>? AllowedPatterns { get; init; }

    /// <summary>Refused (premium-rate) prefixes.</summary>
    public IReadOnlyList<string>? RefusedPrefixes { get; init; }

    /// <summary>Fewest digits.</summary>
    public int? MinDigits { get; init; }

    /// <summary>Most digits.</summary>
    public int? MaxDigits { get; init; }

    /// <summary>Callbacks per number per local day.</summary>
    public int? DailyCapPerNumber { get; init; }

    /// <summary>Offset of the local day, e.g. "+01:00".</summary>
    public string? UtcOffset { get; init; }

    /// <summary>The dial plan's options.</summary>
    public DialPlanOptions ToOptions()
    {
        var d = new DialPlanOptions();
        return new DialPlanOptions
        {
            DefaultCountry = DefaultCountry ?? d.DefaultCountry,
            AllowedCountries = AllowedCountries ?? d.AllowedCountries,
            AllowedPatterns = AllowedPatterns ?? d.AllowedPatterns,
            RefusedPrefixes = RefusedPrefixes ?? d.RefusedPrefixes,
            MinDigits = MinDigits ?? d.MinDigits,
            MaxDigits = MaxDigits ?? d.MaxDigits,
            DailyCapPerNumber = DailyCapPerNumber ?? d.DailyCapPerNumber,
            LocalOffset = UtcOffset is { } o ? ParseOffset(o) : d.LocalOffset,
        };
    }

    /// <summary>Parses "+hh:mm" / "-hh:mm".</summary>
    public static TimeSpan ParseOffset(string offset)
    {
        var sign = offset.StartsWith('-') ? -1 : 1;
        return sign * TimeSpan.ParseExact(offset.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture);
    }
}
