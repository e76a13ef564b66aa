using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>A call keeps the flow version it started with when the catalog is reloaded; new calls get the new one.</summary>
public sealed class FlowVersionTests(ITestOutputHelper output) : CallTestKit(output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-flows-").FullName;

    [Fact]
    public void Reload_MidCall_TheCallKeepsItsVersion_NewCallsGetTheNewOne()
    {
        File.WriteAllText(Path.Combine(_folder, "goodbye.json"), Flow("1.0.0", "en-US/welcome.wav"));
        var catalog = new LiveFlows(_folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        var manager = StartManager(flows: new FlowLookup(catalog.Find));
        Call(manager, "goodbye");
        var first = MediaOf(0);
        AwaitPlaying(first, "en-US/welcome.wav");

        File.WriteAllText(Path.Combine(_folder, "goodbye.json"), Flow("2.0.0", "en-US/closed.wav"));
        catalog.Reload();
        Call(manager, "goodbye");
        var second = MediaOf(1);
        first.FinishClip();

        AwaitPlaying(second, "en-US/closed.wav");
        AwaitPlaying(first, "en-US/welcome.wav");
        Assert.Equal("2.0.0", catalog.Find("goodbye")!.Version);
        Assert.Equal(["en-US/welcome.wav", "en-US/welcome.wav"], first.Played);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Directory.Delete(_folder, recursive: true);
    }

    // Version 1 plays its prompt twice (a loop through a second play step); version 2 plays another prompt.
    private static string Flow(string version, string sound) => $$"""
        {
          "id": "goodbye", "version": "{{version}}", "language": "en-US", "start": "a",
          "steps": {
            "a": { "type": "play", "prompt": { "sound": "{{sound}}" }, "next": "b" },
            "b": { "type": "play", "prompt": { "sound": "{{sound}}" }, "next": "bye" },
            "bye": { "type": "hangup" }
          }
        }
        """;
}
