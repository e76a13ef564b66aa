using Akka.Hosting;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Integrations.Http;
using Ivr.Engine.Metrics;
using Ivr.Engine.Ops;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the engine: flows, prompts, the actor system (Akka.Hosting) with the call manager, and the SIP stack service.</summary>
public static class IvrEngineServiceCollectionExtensions
{
    /// <summary>The actor system's name.</summary>
    public const string ActorSystemName = "ivr";

    /// <summary>
    /// Adds the engine with <paramref name="options"/>. Register the real <see cref="ISipStackFactory"/> and
    /// <see cref="IMediaSessionFactory"/> before this call (until then the unplugged ones fail at start with a clear message).
    /// </summary>
    public static IServiceCollection AddIvrEngine(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var flowsFolder = RepoLayout.Locate(options.Flows.Folder);
        var soundsFolder = RepoLayout.Locate(options.Sounds.Folder);
        var dataFolder = RepoLayout.Locate(options.Data.Folder);

        services.AddSingleton(options);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISipStackFactory, UnpluggedSipStackFactory>();
        services.TryAddSingleton<IMediaSessionFactory, UnpluggedMediaSessionFactory>();
        services.AddSingleton(sp => new CallMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp =>
        {
            var flows = new LiveFlows(flowsFolder, soundsFolder, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>());
            flows.Watch();
            return flows;
        });
        services.AddSingleton<IFlowCatalog>(sp => new FlowLookup(sp.GetRequiredService<LiveFlows>().Find));
        services.AddSingleton(sp => SpeechEngines.Create(options.Speech, dataFolder, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => SpeechWiring.Prompts(sp, soundsFolder));
        services.AddSingleton<IPromptClipProvider>(sp => sp.GetRequiredService<PromptSource>());
        // What the engine says itself (queue announcements, offers, callback greeting and refusals); a bad file fails start-up.
        services.AddSingleton(_ => EnginePromptsLoader.Load(soundsFolder));
        services.AddSingleton(SpeechWiring.Recognition);
        services.AddSingleton<CallIntake>();
        services.AddSingleton(sp => new CallServices(
            sp.GetRequiredService<IPromptClipProvider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<CallMetrics>(),
            Path.Combine(dataFolder, "recordings"))
        {
            Words = sp.GetRequiredService<EnginePrompts>(),
            RingFor = options.Calls.RingFor,
            Ops = sp.GetRequiredService<CallOps>(),
            Speech = sp.GetRequiredService<CallSpeech>(),
            Intake = sp.GetRequiredService<CallIntake>(),
            Http = sp.GetRequiredService<HttpStepClient>(),
            Contacts = new ContactHistoryCallers(sp.GetRequiredService<Events.EventStores>(), sp.GetRequiredService<TimeProvider>()),
            ScreenPop = sp.GetRequiredService<Integrations.ScreenPop.IScreenPop>(),
            PreviousContacts = sp.GetService<Integrations.ScreenPop.IPreviousContacts>(),
        });
        services.AddIvrHttpSteps(options.Source);
        services.AddIvrRouting(options, dataFolder);
        services.AddIvrEvents(options, dataFolder);
        services.AddIvrScreenPop(options);
        services.AddIvrSurveys(options, dataFolder);
        // The node on /metrics' target_info: the host and where its SIP listens (what an operator tells nodes apart by).
        services.AddIvrOps(options.Ops, $"{Environment.MachineName}/{options.Sip.Address}:{options.Sip.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", OpsServiceCollectionExtensions.DefaultNodeName(options.Cluster.Node, options.Sip.Port));
        services.AddSingleton<IEngineNode>(sp => new SipStackNode(sp.GetRequiredService<SipStackService>()));
        services.AddSingleton(sp => new MediaMetrics(
            () => (sp.GetService<IMediaSessionFactory>() as RtpMediaSessionFactory)?.Counters,
            () => (sp.GetService<IMediaSessionFactory>() as RtpMediaSessionFactory)?.Pacer,
            sp.GetService<IMeterFactory>()));

        var settings = new CallManagerSettings
        {
            FlowMap = options.Flows.Map,
            DefaultFlow = options.Flows.DefaultFlow,
            MaxCalls = options.Calls.MaxCalls,
            DrainTimeout = options.Calls.DrainTimeout,
            RetryAfter = options.Calls.RetryAfter,
            Srtp = options.Media.Srtp,
            SrtpKeysOverPlainSignalling = options.Media.SrtpKeysOverPlainSignalling,
        };
        services.AddAkka(ActorSystemName, (builder, sp) =>
        {
            // The host stops the actor system (after the drain); Akka's own Ctrl-C/exit hook would end calls before it.
            builder.AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend);
            builder.ConfigureLoggers(loggers => loggers.ClearLoggers().AddLoggerFactory());
            // Clustered: Akka.Remote, Akka.Cluster and sharding; off: a local actor system, no remoting loaded.
            if (options.Cluster.Enabled) builder.WithIvrCluster(options.Cluster);
            builder.WithActors((system, registry) =>
            {
                var calls = RoutingHosting.StartRouter(system, registry, sp, options, sp.GetRequiredService<CallServices>());
                var manager = system.ActorOf(
                    CallManager.Props(settings, sp.GetRequiredService<IFlowCatalog>(), sp.GetRequiredService<IMediaSessionFactory>(), calls),
                    "calls");
                registry.Register<CallManager>(manager);
                if (options.Cluster.Enabled) StartRouterPeer(system, registry, sp, calls, manager);
                system.ActorOf(DeadLetterListener.Props(sp.GetRequiredService<ActorMetrics>()), "dead-letters");
            });
        });

        // Clustered: the node is a member before SIP opens (or the start fails with one line).
        if (options.Cluster.Enabled) services.AddIvrClusterMembership(options);

        // The stack's entry into the actor world; resolves the manager on first use (after the actor system started).
        services.AddIvrRegistrar(options.Registrar, Net.NatNetworks.Parse(options.Sip.NatNetworks), options, dataFolder);
        services.AddSingleton<IIncomingCallHandler>(sp => new IncomingCallHandler(sp.GetRequiredService<ActorRegistry>().Get<CallManager>(), sp.GetRequiredService<CallIntake>()));

        // Registered after Akka's own hosted service, so it stops (drains) before the actor system shuts down.
        services.AddSingleton<SipStackService>();
        services.AddHostedService(sp => sp.GetRequiredService<SipStackService>());
        services.AddIvrAsterisk(options.Asterisk, dataFolder, options.Media.Address ?? options.Sip.Address);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.Calls.DrainTimeout + settings.DrainGrace + TimeSpan.FromSeconds(15));
        return services;
    }

    private static void StartRouterPeer(Akka.Actor.ActorSystem system, IActorRegistry registry, IServiceProvider sp, CallServices calls, Akka.Actor.IActorRef manager)
    {
        if (calls.Router is not { } router) return;
        ClusterRouting.StartPeer(system, new ClusterRouterPeerSettings(router, manager, sp.GetRequiredService<RouterStatus>(),
            Akka.Cluster.Cluster.Get(system).SelfAddress.ToString())
        {
            Dialer = registry.TryGet<CallbackCalls>(out var dialer) ? dialer : null,
            Contacts = sp.GetService<IAgentContacts>(),
            Time = calls.Time,
            Logging = calls.Logging,
        });
    }
}
