using Ivr.Engine.Calls;
using Ivr.Engine.Cli;

namespace Ivr.Tests.Calls;

public class ActorNamesTests
{
    [Theory]
    [InlineData("a84b4c76e66710@pc33.atlanta.com", "a84b4c76e66710@pc33.atlanta.com")]
    [InlineData("1-2/3:4 $x", "1-2_3_4__x")]
    [InlineData("", "call")]
    public void FromCallId_KeepsSafeCharacters_ReplacesTheRest(string callId, string expected) =>
        Assert.Equal(expected, ActorNames.FromCallId(callId));

    [Fact]
    public void FromCallId_CapsTheLength() =>
        Assert.Equal(120, ActorNames.FromCallId(new string('x', 500)).Length);

    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1_500)]
    [InlineData("00:00:30", 30_000)]
    public void Durations_TryParse_ReadsUnits(string text, int milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-3s")]
    [InlineData("")]
    public void Durations_TryParse_RefusesNonsense(string text) => Assert.False(Durations.TryParse(text, out _));
}
