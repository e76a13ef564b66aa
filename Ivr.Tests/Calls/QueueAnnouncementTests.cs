using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Speech;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// What a waiting caller hears, with the real router pushing places and espeak-ng saying the engine's words (clips named
/// <c>tts:TEXT</c>): the offer first, then — once it is declined — the position, without asking the router again.
/// </summary>
public class QueueAnnouncementTests(ITestOutputHelper output) : CallTestKit(output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public void OfferWithTheFirstPlace_Declined_ThenThePositionIsAnnounced()
    {
        var media = StartQueuedCall();
        AwaitCondition(() => media.Played.Any(p => p.StartsWith("tts:To be called back without losing your place, press 1.", StringComparison.Ordinal)), Wait);
        Assert.DoesNotContain(media.Played, p => p.Contains("You are number", StringComparison.Ordinal));

        media.Press('3');

        AwaitCondition(() => media.Played.Contains("tts:You are number 1 in line."), Wait);
    }

    [Fact]
    public void OfferWithTheFirstPlace_LeftToTimeOut_ThenThePositionIsAnnounced()
    {
        var media = StartQueuedCall(offerKeyTimeout: TimeSpan.FromMilliseconds(300));
        AwaitCondition(() => media.Played.Any(p => p.StartsWith("tts:To be called back", StringComparison.Ordinal)), Wait);
        AwaitCondition(() => media.Current is not null && media.Current.StartsWith("tts:To be called back", StringComparison.Ordinal), Wait);

        // The offer is heard to its end; its keys are awaited, then the caller waits on and hears their place.
        media.FinishClip();

        AwaitCondition(() => media.Played.Contains("tts:You are number 1 in line."), Wait);
    }

    private InProcessMediaSession StartQueuedCall(TimeSpan? offerKeyTimeout = null)
    {
        var folder = Directory.CreateTempSubdirectory("ivr-queue-announce-").FullName;
        File.Copy(RepoPaths.TestData("calls", "queue-announce.json"), Path.Combine(folder, "queue-announce.json"));
        var flows = new LiveFlows(folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
        var speaking = new PromptSource(RepoPaths.Sounds, NullLogger<PromptSource>.Instance,
            new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(folder, "tts") }));
        var agents = new AgentsConfig { Skills = [new SkillConfig { Id = "billing" }], Agents = [] };
        var router = Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus()) { InitialState = AgentState.Away }));
        var settings = new CallManagerSettings { FlowMap = new Dictionary<string, string> { ["queue"] = "queue-announce" } };
        var manager = StartManager(settings, new FlowLookup(flows.Find), prompts: speaking, router: router, offerKeyTimeout: offerKeyTimeout);
        Call(manager, "queue");
        return MediaOf(0);
    }
}
