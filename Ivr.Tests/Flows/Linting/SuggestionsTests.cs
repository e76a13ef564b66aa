using Ivr.Flows.Linting;

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;

namespace Ivr.Tests.Flows.Linting;

public class SuggestionsTests
{
    [Theory]
    [InlineData("biling", "billing")]
    [InlineData("Welcome", "welcome")]
    [InlineData("mainmenu", "main_menu")]
    public void Closest_Typo_FindsTheName(string typo, string expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typo, ["welcome", "billing", "main_menu", "bye"]));
    }

    [Fact]
    public void Closest_NothingClose_ReturnsNull()
    {
        Assert.Null(Suggestions.Closest("transfer", ["welcome", "billing", "bye"]));
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("abc", "", 3)]
    public void Distance_KnownPairs_MatchesLevenshtein(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
    }
}
