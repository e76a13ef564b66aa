using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Tests.Routing.Callbacks;

namespace Ivr.Tests.Routing.DialPlan;

public sealed class CallbackDialPlanTests
{
    private static readonly CallbackDialPlan Plan = new(new DialPlanOptions
    {
        DefaultCountry = "+33",
        AllowedCountries = ["+33", "+44", "+1"],
        AllowedPatterns = [@"^\+33[1-9]\d{8}$", @"^\+44\d{10}$", @"^\+1[2-9]\d{9}$"],
        RefusedPrefixes = ["+3389", "+3381", "+449", "+1900", "+1976"],
        MinDigits = 8,
        MaxDigits = 15,
        DailyCapPerNumber = 2,
        LocalOffset = TimeSpan.FromHours(1),
    });

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678")]
    [InlineData("0612345678", "+33612345678")]
    [InlineData("+44 (0)20 7946 0958", "+442079460958")]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678")]
    [InlineData("0033612345678", "+33612345678")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("612345678", null)]
    [InlineData("06-12-34-56-7x", null)]
    public void Normalize_NationalAndInternationalFormats(string input, string? expected) =>
        Assert.Equal(expected, Plan.Normalize(input));

    [Theory]
    [InlineData("0612345678", DialPlanRefusal.None)]
    [InlineData("+12125550100", DialPlanRefusal.None)]
    [InlineData("0899123456", DialPlanRefusal.PremiumRate)]
    [InlineData("+44 909 879 0000", DialPlanRefusal.PremiumRate)]
    [InlineData("+1 900 555 0100", DialPlanRefusal.PremiumRate)]
    [InlineData("+1 976 555 0100", DialPlanRefusal.PremiumRate)]
    [InlineData("+49 30 123456", DialPlanRefusal.CountryNotAllowed)]
    [InlineData("+881 234 567 890", DialPlanRefusal.CountryNotAllowed)]
    [InlineData("12", DialPlanRefusal.Malformed)]
    [InlineData("+33 6", DialPlanRefusal.Malformed)]
    [InlineData("+336123456789012345", DialPlanRefusal.Malformed)]
    [InlineData("call me", DialPlanRefusal.Malformed)]
    [InlineData("+3361234567", DialPlanRefusal.NotMatchingPattern)]
    public void Check_Number_GivesReason(string number, DialPlanRefusal reason)
    {
        var result = Plan.Check(number);

        Assert.Equal(reason, result.Reason);
        Assert.Equal(reason == DialPlanRefusal.None, result.Allowed);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public void Check_Refusals_HaveDistinctPrompts()
    {
        var messages = new[] { "0899123456", "+49 30 123456", "12", "+3361234567" }.Select(n => Plan.Check(n).Message)
            .Append(Plan.Check("0612345678", bookedToday: 2).Message).ToList();

        Assert.Equal(messages.Count, messages.Distinct().Count());
        Assert.Contains("premium", messages[0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckAsync_OverDailyCap_RefusedUntilNextLocalDay()
    {
        using var db = new TempDatabase();
        // 23:30 UTC is 00:30 the next day at UTC+1.
        var now = new DateTimeOffset(2026, 11, 23, 22, 30, 0, TimeSpan.Zero);
        var store = await SqliteCallbackStore.OpenAsync(db.Database, now);
        for (var i = 0; i < 2; i++)
            await store.BookAsync(new CallbackBooking($"cap-{i}", "support", "+33612345678", null, now, now.AddMinutes(i)));

        var refused = await Plan.CheckAsync("06 12 34 56 78", now.AddMinutes(5), store);
        var otherNumber = await Plan.CheckAsync("0612345679", now.AddMinutes(5), store);
        var nextDay = await Plan.CheckAsync("0612345678", now.AddHours(1), store);

        Assert.Equal(DialPlanRefusal.OverDailyCap, refused.Reason);
        Assert.True(otherNumber.Allowed);
        Assert.True(nextDay.Allowed);
    }
}
