using Ivr.Engine.Events;

namespace Ivr.Tests.Events;

public class EventsOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass() => new EventsOptions().Validate();

    [Theory]
    [InlineData("Lease", "00:00:10", "Events:Lease")]
    [InlineData("ScanInterval", "00:00:00", "Events:ScanInterval")]
    [InlineData("RetryMin", "-00:00:01", "Events:RetryMin")]
    [InlineData("PollInterval", "00:00:00", "Events:PollInterval")]
    [InlineData("RetryMax", "00:00:00.5", "Events:RetryMax")]
    public void Validate_ASettingThatCannotWork_ThrowsNamingIt(string property, string value, string named)
    {
        var options = new EventsOptions();
        typeof(EventsOptions).GetProperty(property)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Throws<FormatException>(options.Validate);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
