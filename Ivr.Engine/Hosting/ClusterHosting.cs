using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Ivr.Engine.Ops;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The cluster wiring (<c>Cluster:Enabled=true</c>): Akka.Remote on <c>Cluster:Host:Port</c>, Akka.Cluster joining
/// <c>Cluster:Seeds</c> with the built-in split-brain resolver (keep-majority, stable after <c>Cluster:DownAfter</c>),
/// sharding for the router, the membership view for operations, and the start that waits to be a member.
/// </summary>
public static class ClusterHosting
{
    /// <summary>
    /// The serializer settings of messages between nodes: Akka's default (Newtonsoft JSON with type names, actor references
    /// as paths) plus <see cref="ClusterCollectionConverter"/> for the compiler's collection-expression types.
    /// </summary>
    public static string SerializationHocon { get; } =
        $"akka.actor.serialization-settings.json.converters = [\"{typeof(ClusterCollectionConverter).FullName}, {typeof(ClusterCollectionConverter).Assembly.GetName().Name}\"]";

    /// <summary>This node's name: <c>Cluster:Node</c>, else <c>host:port</c> of its cluster address.</summary>
    public static string NodeName(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Node) ? $"{options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}" : options.Node;
    }

    /// <summary>The seed nodes as Akka addresses (<c>host:port</c> becomes <c>akka.tcp://ivr@host:port</c>).</summary>
    public static IReadOnlyList<string> SeedAddresses(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. options.Seeds.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Contains("://", StringComparison.Ordinal)
            ? s.Trim()
            : $"akka.tcp://{IvrEngineServiceCollectionExtensions.ActorSystemName}@{s.Trim()}")];
    }

    /// <summary>Adds remoting, clustering with the split-brain resolver and the sharding settings to the actor system.</summary>
    public static AkkaConfigurationBuilder WithIvrCluster(this AkkaConfigurationBuilder builder, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var seeds = SeedAddresses(options);
        builder.WithRemoting(options.Host, options.Port);
        builder.WithClustering(new Akka.Cluster.Hosting.ClusterOptions
        {
            SeedNodes = [.. seeds],
            SplitBrainResolver = new KeepMajorityOption(),
        });
        var stableAfter = Math.Max(1, (long)options.DownAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        builder.AddHocon(
            $"""
             akka.cluster.split-brain-resolver.stable-after = {stableAfter}ms
             akka.cluster.sharding.passivate-idle-entity-after = off
             akka.cluster.sharding.remember-entities = off
             akka.cluster.sharding.retry-interval = 1s
             akka.cluster.log-info-verbose = off
             {SerializationHocon}
             akka.cluster.roles = ["{Quoted(AkkaClusterView.NodeRolePrefix + NodeName(options))}"]
             """,
            HoconAddMode.Prepend);
        return builder;
    }

    /// <summary>
    /// Registers the membership view (<see cref="AkkaClusterView"/>, before any single-node default) and the start that waits
    /// to be a member; call after <c>AddAkka</c> so the wait runs once the actor system is up and before SIP opens.
    /// </summary>
    public static IServiceCollection AddIvrClusterMembership(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var name = NodeName(options.Cluster);
        services.AddSingleton<IClusterView>(sp => new AkkaClusterView(name, () => sp.GetService<ActorSystem>()));
        services.AddHostedService(sp =>
        {
            if (!string.Equals(options.Storage.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClusterHosting)).LogWarning(
                    "Cluster with Storage:Provider={Provider}: callbacks, messages and registrations stay on each node's own file; use postgres so they outlive a node",
                    options.Storage.Provider);
            return new ClusterJoinWatch(sp, options.Cluster, sp.GetRequiredService<ILogger<ClusterJoinWatch>>());
        });
        return services;
    }

    private static string Quoted(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>
    /// The one line for a failure to start the cluster transport (its port taken, its address not local), null when
    /// <paramref name="ex"/> is something else.
    /// </summary>
    public static string? StartFailure(Exception ex, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled) return null;
        for (var e = (Exception?)ex; e is not null; e = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e.InnerException)
        {
            if (e is ClusterStartException cluster) return cluster.Message;
            if (e is Akka.Remote.RemoteTransportException) return PortLine(options, e);
        }
        return null;
    }

    /// <summary>The one line for a cluster port that cannot be bound.</summary>
    internal static string PortLine(ClusterOptions options, Exception ex) =>
        $"cluster (TCP) {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}: cannot listen ({ex.GetBaseException().Message}); choose another with --set Cluster:Port=PORT (Cluster:Host)";
}
