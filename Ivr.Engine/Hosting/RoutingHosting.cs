using Akka.Actor;
using Akka.Hosting;
using Ivr.Engine.Calls;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Registrar;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the skill router: its status source, stores, agents file and outbound dialer, and starts its actors.</summary>
public static class RoutingHosting
{
    /// <summary>Registers the router's services (the <see cref="ISkillStatusSource"/> is the router's live snapshot unless one is registered already).</summary>
    public static IServiceCollection AddIvrRouting(this IServiceCollection services, EngineOptions options, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var routing = options.Routing;
        services.AddSingleton<RouterStatus>();
        // The router's live snapshot, unless a source was registered before (a test's, or another node's); off: none.
        if (routing.Enabled) services.TryAddSingleton<ISkillStatusSource>(sp => sp.GetRequiredService<RouterStatus>());
        var storage = options.Storage;
        services.AddSingleton(sp => new RoutingStores(dataFolder, sp.GetRequiredService<TimeProvider>(),
            new CallbackRetryPolicy(routing.CallbackMaxAttempts, routing.CallbackRetryBackoff) { ServedAfter = routing.CallbackServedAfter },
            storage.Provider, storage.ConnectionString, new CallbackLeaseOptions(LeaseOwner(options.Cluster), storage.CallbackLease)));
        // A shared database is opened before the actor system starts: unreachable or misconfigured, the start stops with one
        // line (the serve command's exit code 2). SQLite stays as it was: opened by the router on first use.
        if (routing.Enabled && !string.Equals(storage.Provider, RoutingStores.Sqlite, StringComparison.OrdinalIgnoreCase))
            services.AddHostedService(sp => new StoresStartup(sp.GetRequiredService<RoutingStores>()));
        services.AddSingleton(sp =>
        {
            var path = LocateFile(routing.AgentsFile);
            var besideSchema = Path.Combine(Path.GetDirectoryName(path)!, AgentsConfigLoader.SchemaFileName);
            var schema = File.Exists(besideSchema) ? besideSchema : LocateFile(AgentsConfigLoader.SchemaFileName);
            return new AgentsFile(path, schema, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentsFile>>());
        });
        services.AddSingleton(sp => new OutboundDialer(
            () => sp.GetService<SipStackService>()?.UserAgent,
            sp.GetRequiredService<IMediaSessionFactory>(),
            routing.FromUser,
            sp.GetService<IAgentContacts>() is { } registered ? registered.NextHopFor : null,
            sp.GetRequiredService<ILogger<OutboundDialer>>(),
            options.Media.Srtp,
            options.Media.SrtpKeysOverPlainSignalling,
            sp.GetService<CallMetrics>()));
        return services;
    }

    /// <summary>
    /// Starts the callback dialer and the router (registered in <paramref name="registry"/> as <see cref="SkillRouter"/>) and
    /// returns the call services wired to them; unchanged when the router is disabled.
    /// </summary>
    public static CallServices StartRouter(ActorSystem system, IActorRegistry registry, IServiceProvider sp, EngineOptions options, CallServices calls)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(sp);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(calls);
        var routing = options.Routing;
        if (!routing.Enabled) return calls;
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RoutingHosting));
        var agentsFile = sp.GetRequiredService<AgentsFile>();
        var config = (agentsFile.Current ?? agentsFile.Load()) ?? new AgentsConfig { Skills = [], Agents = [] };
        if (!Enum.TryParse<AgentState>(routing.InitialAgentState, ignoreCase: true, out var initial))
        {
            log.LogWarning("Routing:InitialAgentState '{State}' is not an agent state; agents start Ready", routing.InitialAgentState);
            initial = AgentState.Ready;
        }
        var outbound = sp.GetRequiredService<OutboundDialer>();
        var stores = sp.GetRequiredService<RoutingStores>();
        var dialer = system.ActorOf(CallbackCalls.Props(new CallbackDialerSettings(outbound, calls.Prompts, routing.CallbackTrunk)
        {
            Words = calls.Words,
            RingTimeout = routing.CallbackRingTimeout,
            Logging = calls.Logging,
            Board = calls.Ops.Board,
            Time = calls.Time,
            ScreenPop = calls.ScreenPop,
        }), "callback-dialer");
        registry.Register<CallbackCalls>(dialer);
        var routerSettings = new SkillRouterSettings(config, sp.GetRequiredService<RouterStatus>())
        {
            InitialState = initial,
            Time = calls.Time,
            MeterWindow = routing.MeterWindow,
            PlaceEvaluationInterval = routing.CheckInterval,
            Pacer = new CallbackPacer(routing.CallbackReserveAgents ?? 0, routing.CallbackMaxDeferral),
            Stores = stores,
            Dialer = dialer,
            Logging = calls.Logging,
            RegisteredContact = sp.GetService<IAgentContacts>() is { } registered ? id => registered.Find(id)?.Uri.ToString() : null,
        };
        // Clustered: the one sharded entity of the whole centre, reached through this node's shard region.
        var router = options.Cluster.Enabled
            ? ClusterRouting.StartRegion(system, routerSettings, log, () => agentsFile.Current)
            : system.ActorOf(SkillRouter.Props(routerSettings), "router");
        registry.Register<SkillRouter>(router);
        agentsFile.Changed += changed => router.Tell(new ReplaceAgents(changed));
        agentsFile.Watch();
        return calls with
        {
            Router = router,
            Outbound = outbound,
            MessagesFolder = Path.Combine(stores.DataFolder, "messages"),
        };
    }

    /// <summary>The name a node's callback leases carry: <c>Cluster:Node</c>, else its cluster address when clustered, else the machine's name.</summary>
    internal static string LeaseOwner(ClusterOptions cluster) =>
        !string.IsNullOrWhiteSpace(cluster.Node) ? cluster.Node
        : cluster.Enabled ? $"{cluster.Host}:{cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : Environment.MachineName;

    /// <summary>A file relative to the current directory when it exists there, else to the repository.</summary>
    internal static string LocateFile(string file)
    {
        if (Path.IsPathRooted(file)) return file;
        var local = Path.GetFullPath(file);
        return File.Exists(local) ? local : RepoLayout.Locate(file);
    }
}

/// <summary>Opens the shared stores at start, before the actor system, so a database that cannot be used fails the start.</summary>
internal sealed class StoresStartup(RoutingStores stores) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => stores.OpenAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
