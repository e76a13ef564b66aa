using System.Text.Json.Nodes;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Speech;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// Which Asterisk calls get an ARI audio path (<see cref="CallSpeech.Listens"/>), with the real PocketSphinx recognizer:
/// a keypad-only flow (menus without phrases) never, a flow with phrases yes, a flow that only calls one in a subflow yes,
/// a flow with a queue offering a callback (answered by voice) yes, and no recognizer never.
/// </summary>
public sealed class AriListensTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ivr-ari-listens-").FullName;

    [Fact]
    public void Listens_OnlyForFlowsWithPhrasesInASupportedLocale_SubflowsIncluded()
    {
        File.Copy(RepoPaths.TestData("flows", "asterisk", "agi-hotline.json"), Path.Combine(_folder, "agi-hotline.json"));
        File.Copy(RepoPaths.TestData("flows", "asterisk", "agi-speech.json"), Path.Combine(_folder, "agi-speech.json"));
        var outer = JsonNode.Parse(File.ReadAllText(RepoPaths.TestData("flows", "asterisk", "agi-hotline.json")))!;
        outer["id"] = "agi-outer";
        outer["steps"]!["support"] = new JsonObject { ["type"] = "subflow", ["flow"] = "agi-speech", ["next"] = "no_input" };
        File.WriteAllText(Path.Combine(_folder, "agi-outer.json"), outer.ToJsonString());
        var queueing = JsonNode.Parse(File.ReadAllText(RepoPaths.TestData("flows", "asterisk", "agi-hotline.json")))!;
        queueing["id"] = "agi-queueing";
        queueing["steps"]!["support"] = new JsonObject
        {
            ["type"] = "queue", ["skill"] = "support", ["offer"] = new JsonObject { ["callback"] = true },
            ["onCallback"] = "no_input", ["onMessage"] = "no_input", ["onFailure"] = "no_input",
        };
        File.WriteAllText(Path.Combine(_folder, "agi-queueing.json"), queueing.ToJsonString());
        using var flows = new LiveFlows(_folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        Assert.Equal(4, flows.Ids.Count);
        using var recognizer = new PocketSphinxRecognizer();
        Assert.True(recognizer.IsAvailable, recognizer.UnavailableReason);
        var speech = new CallSpeech(recognizer, RecognitionOptions.Default);

        Assert.False(speech.Listens(flows.Find("agi-hotline")!, flows.Find));
        Assert.True(speech.Listens(flows.Find("agi-speech")!, flows.Find));
        Assert.True(speech.Listens(flows.Find("agi-outer")!, flows.Find));
        Assert.True(speech.Listens(flows.Find("agi-queueing")!, flows.Find));
        Assert.False(CallSpeech.None.Listens(flows.Find("agi-speech")!, flows.Find));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
