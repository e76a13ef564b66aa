using Ivr.Flows.Schema;

using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;

namespace Ivr.Tests.Flows.Loading;

public class SuggestionsTests
{
    [Theory]
    [InlineData("menue", "menu")]
    [InlineData("nxt", "next")]
    [InlineData("Next", "next")]
    [InlineData("onExausted", "onExhausted")]
    [InlineData("bagreIn", "bargeIn")]
    public void Closest_Typo_FindsTheIntendedName(string typo, string expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typo, ["play", "menu", "next", "onExhausted", "bargeIn", "prompt"]));
    }

    [Fact]
    public void Closest_UnrelatedWord_SuggestsNothing()
    {
        Assert.Null(Suggestions.Closest("colour", ["play", "menu", "next"]));
    }

    [Theory]
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    public void Distance_KnownPairs_AreCounted(string a, string b, int expected)
    {
        Assert.Equal(expected, Suggestions.Distance(a, b));
    }
}
