using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Sip.Registrar;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Net;
using Ivr.Engine.Registrations;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the agents' registrar: <see cref="AgentSipCredentials"/> from the agents file, <see cref="SipRegistrar"/> as <see cref="ISipRegistrar"/> and <see cref="IAgentContacts"/>.</summary>
public static class IvrRegistrarServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registrar unless <see cref="RegistrarSettings.Enabled"/> is false; <paramref name="natNetworks"/> are the
    /// ranges a phone behind NAT advertises (default <see cref="NatNetworks.Default"/>). With <paramref name="engine"/> and
    /// <paramref name="dataFolder"/> (and <see cref="RegistrarSettings.Store"/>) its bindings are kept in the registration
    /// store of <c>Storage:Provider</c> and loaded at start.
    /// </summary>
    public static IServiceCollection AddIvrRegistrar(this IServiceCollection services, RegistrarSettings settings, NatNetworks? natNetworks = null,
        EngineOptions? engine = null, string? dataFolder = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled) return services;
        var options = settings.ToOptions() with { NatNetworks = natNetworks ?? NatNetworks.Default };
        options.Validate();
        services.AddSingleton(sp =>
        {
            var credentials = new AgentSipCredentials();
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<SipRegistrar>();
            if (settings.AgentsFile is null && sp.GetService<AgentsFile>() is { } shared)
            {
                // One agents file for routing and registration, read once at start-up: credentials follow its saves and PUT /api/agents.
                Use(credentials, shared.Current ?? shared.Load(), shared.Path, options.Realm, log);
                shared.Changed += config => Use(credentials, config, shared.Path, options.Realm, log);
            }
            else
            {
                LoadAgents(credentials, settings.AgentsFile ?? "agents.json", options.Realm, log);
            }
            return credentials;
        });
        var keep = settings.Store && engine is not null && dataFolder is not null;
        if (keep)
        {
            services.AddSingleton(sp => new ConfiguredRegistrationStore(dataFolder!, sp.GetRequiredService<TimeProvider>(),
                engine!.Storage.Provider, engine.Storage.ConnectionString));
        }
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILogger<SipRegistrar>>();
            RegistrarStorage? storage = null;
            if (keep)
            {
                var shared = !string.Equals(engine!.Storage.Provider, RoutingStores.Sqlite, StringComparison.OrdinalIgnoreCase);
                storage = new RegistrarStorage(sp.GetRequiredService<ConfiguredRegistrationStore>(), RoutingHosting.LeaseOwner(engine.Cluster))
                {
                    Timeout = settings.StoreTimeout,
                    RefreshInterval = shared ? settings.StoreRefresh : null,
                };
            }
            var registrar = new SipRegistrar(options, sp.GetRequiredService<AgentSipCredentials>(), sp.GetRequiredService<TimeProvider>(), log,
                meterFactory: sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), storage: storage);
            // Bindings taken before a restart, or by another node, are live from the start (a failed load is logged; with a
            // shared store the next refresh tries again).
            if (storage is not null) registrar.LoadAsync().GetAwaiter().GetResult();
            return registrar;
        });
        services.AddSingleton<ISipRegistrar>(sp => sp.GetRequiredService<SipRegistrar>());
        services.AddSingleton<IAgentContacts>(sp => sp.GetRequiredService<SipRegistrar>());
        return services;
    }

    // A missing or invalid agents file leaves the registrar without users (every REGISTER is challenged, then refused)
    // and says why in the log; the engine still answers calls.
    private static void LoadAgents(AgentSipCredentials credentials, string agentsFile, string realm, ILogger log)
    {
        var path = Path.IsPathRooted(agentsFile) || File.Exists(agentsFile)
            ? Path.GetFullPath(agentsFile)
            : RepoLayout.Locate(agentsFile);
        if (!File.Exists(path))
        {
            log.LogWarning("Registrar: no agents file at {Path}; REGISTER will be refused", path);
            return;
        }
        var loaded = AgentsConfigLoader.LoadFile(path);
        if (loaded.Config is null)
        {
            foreach (var d in loaded.Diagnostics) log.LogError("Registrar: {Diagnostic}", d.ToString());
            log.LogError("Registrar: {Path} is invalid; REGISTER will be refused until it is fixed", path);
            return;
        }
        Use(credentials, loaded.Config, path, realm, log);
    }

    // An invalid file (null) keeps the credentials in force: the router keeps its agents then too.
    private static void Use(AgentSipCredentials credentials, AgentsConfig? config, string path, string realm, ILogger log)
    {
        if (config is null) return;
        foreach (var problem in credentials.Replace(AgentSipAccounts.From(config.Agents))) log.LogError("Registrar: {Problem}", problem);
        var withoutSip = config.Agents.Count(a => a.Sip is null);
        if (withoutSip == 0)
        {
            log.LogInformation("Registrar: {Count} agents can register in realm {Realm} (from {Path})", credentials.Count, realm, path);
            return;
        }
        // Say why, next to the router's "Agents loaded": registering needs a "sip" user and password per agent.
        log.LogInformation(
            "Registrar: {Count} of {Agents} agents can register in realm {Realm} (from {Path}); {Without} have no \"sip\" user and password there and are rung at their \"contact\" only",
            credentials.Count, config.Agents.Count, realm, path, withoutSip);
    }
}
