using Akka.Actor;
using Akka.TestKit;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Storage;
using Ivr.Tests.Storage;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ivr.Tests.Routing.Live;

/// <summary>
/// The router on a real PostgreSQL that goes down mid-call: the attempt's outcome, which could not be written when the
/// call ended, is retried (and its lease kept) until the database is back, so the customer is not taken for an
/// interrupted attempt and rung again.
/// </summary>
public sealed class SkillRouterPostgresTests : Akka.TestKit.Xunit2.TestKit, IClassFixture<PostgresServer>
{
    private readonly PostgresServer _server;
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-router-pg-").FullName;
    private readonly TestProbe _dialer;
    private readonly LogWatch _log = new();

    public SkillRouterPostgresTests(PostgresServer server, ITestOutputHelper output)
        : base(string.Empty, output)
    {
        _server = server;
        _dialer = CreateTestProbe("dialer");
    }

    [Fact]
    public async Task OutcomeOfACallEndingDuringAnOutage_IsWrittenOnceTheDatabaseIsBack()
    {
        var connectionString = await _server.CreateDatabaseAsync();
        var agents = new AgentsConfig
        {
            WrapUpSeconds = 0,
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [new AgentConfig { Id = "a1", Contact = "sip:a1@127.0.0.1:5091", Skills = [new AgentSkillConfig { Skill = "billing", Level = 5 }] }],
        };
        var stores = new RoutingStores(_data, TimeProvider.System, CallbackRetryPolicy.Default, RoutingStores.Postgres, connectionString,
            new CallbackLeaseOptions("n1", TimeSpan.FromMinutes(1)));
        await using var _ = stores;
        var router = Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus())
        {
            InitialState = AgentState.Away,
            Pacer = new CallbackPacer(0, TimeSpan.Zero),
            Stores = stores,
            Dialer = _dialer.Ref,
            Logging = LoggerFactory.Create(b => b.AddProvider(_log)),
        }));
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var booked = await router.Ask<CallbackBookingResult>(
            new BookCallback("cb-1", "billing", "+33612345678", "+33612345678", DateTimeOffset.UtcNow), TimeSpan.FromSeconds(10));
        Assert.True(booked.Booked, booked.Message);
        var ready = await router.Ask<AgentStateResult>(new SetAgentState("a1", AgentState.Ready), TimeSpan.FromSeconds(10));
        Assert.Null(ready.Error);
        var dial = _dialer.ExpectMsg<DialCallback>(TimeSpan.FromSeconds(10));

        await _server.StopAsync();
        try
        {
            var failed = _log.WhenLogged($"recording callback {dial.Callback.Id}'s outcome (retried every 5 s");
            router.Tell(new CallbackDialFinished(dial.Callback.Id, "a1", CallbackAttemptResult.Connected, AgentMissed: false));
            await failed.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await _server.StartAsync();
        }

        await using var reader = await PostgresDatabase.OpenAsync(connectionString);
        var store = await PostgresCallbackStore.OpenAsync(reader, DateTimeOffset.UtcNow);
        await AwaitAssertAsync(async () =>
        {
            var row = (await store.GetAsync(dial.Callback.Id))!;
            Assert.Equal((CallbackState.Connected, "Connected", 1), (row.State, row.LastOutcome, row.Attempts));
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>The router's log lines, with a wait for one containing a given text.</summary>
    private sealed class LogWatch : ILoggerProvider, ILogger
    {
        private readonly List<(string Needle, TaskCompletionSource Seen)> _waits = [];

        public Task WhenLogged(string needle)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waits) _waits.Add((needle, seen));
            return seen.Task;
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            lock (_waits)
            {
                foreach (var (needle, seen) in _waits.Where(w => line.Contains(w.Needle, StringComparison.Ordinal))) seen.TrySetResult();
            }
        }

        public void Dispose()
        {
        }
    }
}
