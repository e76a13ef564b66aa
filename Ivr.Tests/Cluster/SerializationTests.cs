using System.Collections;
using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Ivr.Engine.Hosting;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Messages;

namespace Ivr.Tests.Cluster;

/// <summary>
/// Every message that crosses nodes to or from the sharded router goes through the cluster actor system's serializer (the
/// one Akka.Remote uses, chosen by Akka's bindings for the type) and comes back equal, member by member: records,
/// nested configuration, lists, dictionaries, enums, optional values and actor references.
/// </summary>
public sealed class SerializationTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 18, 30, 15, 123, TimeSpan.FromHours(1));
    // The engine's own serialization settings for a cluster, on a cluster actor system of the test's.
    private readonly ActorSystem _system = ActorSystem.Create("ivr", ConfigurationFactory.ParseString(ClusterHosting.SerializationHocon + """

        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        akka.loglevel = WARNING
        """));

    public static TheoryData<string> MessageNames => [.. Samples(null).Keys];

    [Fact]
    public void EveryPublicRouterMessage_HasASample()
    {
        var settings = new[] { typeof(SkillRouterSettings), typeof(RouterClusterSettings) };
        var messages = typeof(SkillRouter).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace == typeof(SkillRouter).Namespace && t.GetMethod("<Clone>$") is not null)
            .Except(settings)
            .Select(t => t.Name)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        var sampled = Samples(null).Values.Select(m => m.GetType().Name).Distinct().ToHashSet();
        var missing = messages.Where(m => !sampled.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "messages without a sample: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void Message_RoundTripsThroughTheClusterSerializer_WithEqualValues(string name)
    {
        var caller = _system.ActorOf(Props.Empty, "call-" + name);
        var message = Samples(caller)[name];
        var serializer = _system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var back = serializer.FromBinary(bytes, message.GetType());

        Assert.IsType(message.GetType(), back);
        AssertDeepEqual(message, back, name);
    }

    [Fact]
    public void ActorRef_InAMessage_ComesBackAsTheSameActor()
    {
        var caller = _system.ActorOf(Props.Empty, "peer");
        var hello = new RouterPeerHello(caller, Guid.NewGuid());
        var serializer = _system.Serialization.FindSerializerFor(hello);
        var back = (RouterPeerHello)serializer.FromBinary(serializer.ToBinary(hello), typeof(RouterPeerHello));

        Assert.Equal(caller, back.Peer);
        Assert.Equal(caller.Path.ToStringWithUid(), back.Peer.Path.ToStringWithUid());
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>One sample of every message, with every optional member set (and one with them unset where it matters).</summary>
    private static Dictionary<string, object> Samples(IActorRef? actor)
    {
        var offer = new OfferPolicyOptions
        {
            WaitTarget = TimeSpan.FromSeconds(90),
            AbandonRateThreshold = 0.2,
            AbandonRateReleaseBelow = 0.1,
            QueueLengthLimit = 12,
            LikelyToAbandonThreshold = 0.6,
            ReofferEvery = TimeSpan.FromMinutes(2),
        };
        var callback = new CallbackRecord(42, "call:c1:billing", "billing", "+33612345678", "+33698765432", T0, T0.AddSeconds(30),
            CallbackState.Dialling, 2, T0.AddMinutes(1), "no answer", T0.AddMinutes(2), "fr-FR", T0.AddMinutes(3), T0.AddMinutes(4));
        var agents = new AgentsConfig
        {
            Schema = "../agents.schema.json",
            WrapUpSeconds = 5,
            RingTimeoutSeconds = 15,
            Skills =
            [
                new SkillConfig
                {
                    Id = "billing", Name = "Billing", ServiceLevelSeconds = 30,
                    Offer = new OfferConfig { Callback = true, Message = true, WhenWaitOver = 60, WhenAbandonRateOver = 0.3, WhenQueueLongerThan = 5, WhenLikelyToAbandon = 0.5, ReofferEvery = 120 },
                },
                new SkillConfig { Id = "support" },
            ],
            Agents =
            [
                new AgentConfig
                {
                    Id = "a1", Name = "Alice", Contact = "sip:a1@127.0.0.1:5091", MaxConcurrent = 2,
                    Skills = [new AgentSkillConfig { Skill = "billing", Level = 7 }, new AgentSkillConfig { Skill = "support", Level = 3 }],
                    Sip = new AgentSipConfig { User = "alice", Ha1Sha256 = "ab12", AllowedNetworks = ["10.0.0.0/8"] },
                },
            ],
            DialPlan = new DialPlanConfig { DefaultCountry = "33", AllowedCountries = ["33", "32"], MinDigits = 8, MaxDigits = 15, DailyCapPerNumber = 3, UtcOffset = "+01:00" },
        };
        var view = new AgentView("a1", "Alice", "sip:a1@127.0.0.1:5091", [new AgentSkill("billing", 7), new AgentSkill("support", 3)], AgentState.Ringing, 1, T0);
        var status = new SkillStatus("billing", T0, 3, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(120),
            Enum.GetValues<AgentState>().ToDictionary(s => s, s => (int)s),
            new WaitMeterSnapshot(10, 7, 2, 1, 0.66, 0.22, TimeSpan.FromMinutes(3), 0.8, TimeSpan.FromSeconds(40), 0.05),
            2, 5, 1, 4);
        var emptyStatus = new SkillStatus("support", T0, 0, TimeSpan.Zero, null, new Dictionary<AgentState, int>(),
            new WaitMeterSnapshot(0, 0, 0, 0, 0, 0, null, null, null, null), 0, 0, 0, 0);
        var peer = actor ?? ActorRefs.Nobody;
        object[] all =
        [
            new EnqueueCaller("c1", "billing", 7, offer),
            new EnqueueCaller("c1", "billing", 7, null, T0, "a1") { Prefer = new AgentPreference("a2", TimeSpan.FromSeconds(30)) },
            new CallerQueued("billing", 3, TimeSpan.FromSeconds(95), 4, new OfferDecision(true, OfferReason.LikelyToAbandon, 0.71)),
            new MoveCaller("c1", "support"),
            new LeaveQueue("c1", QueueExit.Callback),
            new DeliverCall("c1", "a1", "sip:a1@127.0.0.1:5091", "billing", TimeSpan.FromSeconds(20)),
            new AgentAnswered("c1", "a1"),
            new AgentNotAnswered("c1", "a1", 486),
            new AgentCallEnded("c1", "a1"),
            new SetAgentState("a1", AgentState.Away),
            view,
            new AgentStateResult(view, null),
            new AgentStateResult(null, "Unknown agent 'zz'."),
            GetAgents.Instance,
            new AgentsResult([view, view with { Id = "a2", Name = null, State = AgentState.Away, ActiveCalls = 0 }]),
            new ReplaceAgents(agents),
            new AgentsReplaced(1, 2, 3),
            new BookCallback("c1", "billing", "0612345678", "+33698765432", T0, "fr-FR"),
            new CallbackBookingResult(false, "+33612345678", "Sorry.", null, DialPlanRefusal.OverDailyCap),
            new SaveMessage(new MessageRecord("m1", "billing", null, T0, TimeSpan.FromSeconds(12.5), "/data/messages/m1.wav")),
            new MessageSaved(false, "disk full"),
            new DialCallback(callback, "a1", "sip:a1@127.0.0.1:5091", TimeSpan.FromSeconds(15)),
            new CallbackBridged(42, "a1"),
            new CallbackDialFinished(42, "a1", CallbackAttemptResult.Busy, true),
            StopDiallingCallbacks.Instance,
            new AgentTalking("c1", "a1", "billing", T0),
            new CallbackAttemptLive(callback, "a1", T0),
            new CallbackAttemptLive(callback with { Language = null, ConversationStartedAt = null }, "a1", null),
            new AgentContactAnnounced("a1", "akka.tcp://ivr@127.0.0.3:26003", "sip:a1@10.1.2.3:5060;transport=tcp", T0),
            new AgentContactAnnounced("a1", "akka.tcp://ivr@127.0.0.3:26003", null, T0),
            new RouterPeerHello(peer, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")),
            new RouterPeerHello(peer, null),
            new RouterIncarnation(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7")),
            new RouterSnapshot([status, emptyStatus]),
        ];
        var samples = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var message in all)
        {
            var name = message.GetType().Name;
            var key = name;
            for (var i = 2; samples.ContainsKey(key); i++) key = name + "-" + i;
            samples[key] = message;
        }
        return samples;
    }

    /// <summary>Compares two values member by member (public properties, collections element by element, actor refs by path and uid).</summary>
    private static void AssertDeepEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }
        var type = expected.GetType();
        if (expected is IActorRef expectedRef)
        {
            Assert.True(actual is IActorRef, $"{path}: not an actor ref");
            Assert.Equal(expectedRef.Path.ToStringWithUid(), ((IActorRef)actual).Path.ToStringWithUid());
            return;
        }
        if (type.IsPrimitive || type.IsEnum || expected is string or decimal or DateTimeOffset or DateTime or TimeSpan or Guid)
        {
            Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
            if (expected is DateTimeOffset offset) Assert.Equal(offset.Offset, ((DateTimeOffset)actual).Offset);
            return;
        }
        if (expected is IDictionary expectedMap)
        {
            var actualMap = Assert.IsAssignableFrom<IDictionary>(actual);
            Assert.True(expectedMap.Count == actualMap.Count, $"{path}: {expectedMap.Count} entries, got {actualMap.Count}");
            foreach (DictionaryEntry entry in expectedMap)
            {
                Assert.True(actualMap.Contains(entry.Key), $"{path}: key {entry.Key} missing");
                AssertDeepEqual(entry.Value, actualMap[entry.Key], $"{path}[{entry.Key}]");
            }
            return;
        }
        if (expected is IEnumerable expectedItems)
        {
            var left = expectedItems.Cast<object?>().ToList();
            var right = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: {left.Count} items, got {right.Count}");
            for (var i = 0; i < left.Count; i++) AssertDeepEqual(left[i], right[i], $"{path}[{i}]");
            return;
        }
        Assert.Equal(type, actual.GetType());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            if (property.Name == "EqualityContract") continue;
            AssertDeepEqual(property.GetValue(expected), property.GetValue(actual), path + "." + property.Name);
        }
    }
}
