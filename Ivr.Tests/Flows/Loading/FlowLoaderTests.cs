using System.Diagnostics;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

namespace Ivr.Tests.Flows.Loading;

public class FlowLoaderTests
{
    private static FlowDocument LoadAllKinds()
    {
        var result = FlowLoader.LoadFile(RepoPaths.TestData("flows", "valid", "all-kinds.json"));
        Assert.True(result.Document is not null, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        return result.Document!;
    }

    [Fact]
    public void LoadFile_AllKinds_BindsTopLevel()
    {
        var doc = LoadAllKinds();
        Assert.Equal("all-kinds", doc.Id);
        Assert.Equal("1.2.0", doc.Version);
        Assert.Equal("en-US", doc.Language);
        Assert.Equal(["en-US", "fr-FR"], doc.Languages);
        Assert.Equal("welcome", doc.Start);
        Assert.Equal("standard", doc.Variables["tier"]);
        Assert.Equal(
            ["welcome", "hours", "menu", "account", "remember", "queue", "transfer", "voicemail", "callback", "sub", "jump", "closed", "bye", "done"],
            doc.Steps.Keys);
    }
}
