using Akka.Actor;
using Akka.TestKit;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Ivr.Tests.Routing.Live;

/// <summary>
/// The router's side of leases, with the real <see cref="SkillRouter"/> and SQLite store shared with a second store that
/// plays another node: the router renews the leases it holds, and takes over another node's lapsed ones and dials them.
/// The router's clock is a <see cref="FakeTimeProvider"/> (lease times); its timers are real and short here.
/// </summary>
public sealed class SkillRouterLeaseTests : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-router-leases-").FullName;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TestProbe _dialer;

    public SkillRouterLeaseTests(ITestOutputHelper output)
        : base(string.Empty, output)
    {
        _dialer = CreateTestProbe("dialer");
    }

    void IDisposable.Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task AnotherNodesLapsedLease_IsTakenOverByTheRouter_AndDialledOnceAnAgentIsReady()
    {
        var router = StartRouter();
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        // Node n1 (another engine on the same database) leases a callback, then dies: it never renews.
        var n1 = await SqliteCallbackStore.OpenAsync(new SqliteDatabase(Path.Combine(_data, "ivr.db")), T0, lease: new CallbackLeaseOptions("n1", Lease));
        var id = (await n1.BookAsync(new CallbackBooking("n1-booking", "billing", "+33612345678", null, T0, T0))).Record.Id;
        Assert.Equal("n1", (await n1.LeaseAsync(id, T0))!.LeaseOwner);
        SetState(router, "a1", AgentState.Ready);
        _dialer.ExpectNoMsg(TimeSpan.FromMilliseconds(600));

        _time.Advance(Lease);

        var dial = _dialer.ExpectMsg<DialCallback>(TimeSpan.FromSeconds(15));
        Assert.Equal((id, "a1", "n2", 2), (dial.Callback.Id, dial.AgentId, dial.Callback.LeaseOwner, dial.Callback.Attempts));
        Assert.Equal("Interrupted: the lease of n1 expired", dial.Callback.LastOutcome);
        _dialer.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public async Task ACallbackInFlight_HasItsLeaseRenewed_SoNoOtherNodeTakesItOver()
    {
        var router = StartRouter();
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var booked = await router.Ask<CallbackBookingResult>(
            new BookCallback("cb-1", "billing", "+33612345678", "+33612345678", T0), TimeSpan.FromSeconds(10));
        SetState(router, "a1", AgentState.Ready);
        var dial = _dialer.ExpectMsg<DialCallback>(TimeSpan.FromSeconds(10));
        Assert.Equal(((long?)dial.Callback.Id, (DateTimeOffset?)(T0 + Lease)), (booked.CallbackId, dial.Callback.LeaseExpiresAt));
        var n1 = await SqliteCallbackStore.OpenAsync(new SqliteDatabase(Path.Combine(_data, "ivr.db")), T0, lease: new CallbackLeaseOptions("n1", Lease));

        // The call goes on past the first lease's end: the router's renewal (every second here) moves the expiry on.
        _time.Advance(Lease - TimeSpan.FromMilliseconds(500));
        await AwaitAssertAsync(async () =>
        {
            var row = (await n1.GetAsync(dial.Callback.Id))!;
            Assert.True(row.LeaseExpiresAt > T0 + Lease, $"lease still ends at {row.LeaseExpiresAt:O}");
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
        _time.Advance(TimeSpan.FromMilliseconds(600));

        Assert.Equal(new CallbackRecovery(0, 0), await n1.RecoverExpiredAsync(_time.GetUtcNow()));
        Assert.Equal((CallbackState.Dialling, "n2"), ((await n1.GetAsync(dial.Callback.Id))!.State, (await n1.GetAsync(dial.Callback.Id))!.LeaseOwner));
    }

    [Fact]
    public async Task StoresThatCannotBeOpenedAtStart_AreOpenedByARetry_OnceTheyCanBe()
    {
        // The data folder's path is taken by a file: opening the SQLite store fails until the file goes (a database down).
        var folder = Path.Combine(_data, "late");
        await File.WriteAllTextAsync(folder, "not a folder");
        var router = StartRouter(folder);
        var refused = await router.Ask<CallbackBookingResult>(new BookCallback("early", "billing", "x", null, T0), TimeSpan.FromSeconds(10));
        Assert.NotEqual(DialPlanRefusal.Malformed, refused.Refusal);

        File.Delete(folder);

        // Retried every 5 s: within a bounded wait the router books again.
        await AwaitAssertAsync(async () =>
        {
            var reply = await router.Ask<CallbackBookingResult>(new BookCallback("late", "billing", "x", null, T0), TimeSpan.FromSeconds(10));
            Assert.Equal(DialPlanRefusal.Malformed, reply.Refusal);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        var booked = await router.Ask<CallbackBookingResult>(
            new BookCallback("cb-late", "billing", "+33612345678", "+33612345678", T0), TimeSpan.FromSeconds(10));
        Assert.True(booked.Booked, booked.Message);
        Assert.True(File.Exists(Path.Combine(folder, "ivr.db")));
    }

    private IActorRef StartRouter(string? data = null)
    {
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        return Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus())
        {
            InitialState = AgentState.Away,
            Time = _time,
            Pacer = new CallbackPacer(0, TimeSpan.Zero),
            Stores = new RoutingStores(data ?? _data, _time, CallbackRetryPolicy.Default,
                lease: new CallbackLeaseOptions("n2", Lease) { RecoverEvery = TimeSpan.FromMilliseconds(200) }),
            Dialer = _dialer.Ref,
        }));
    }

    private void SetState(IActorRef router, string agent, AgentState state)
    {
        var result = router.Ask<AgentStateResult>(new SetAgentState(agent, state), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.Null(result.Error);
    }
}
