using System.Diagnostics.Metrics;
using System.Reflection;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Metrics;
using Ivr.Engine.Routing;
using Ivr.Engine.Speech;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Ivr.Engine.Ops;

/// <summary>Registers operations: the meters, the call board, the status source and sampler, and the Prometheus exporter.</summary>
public static class OpsServiceCollectionExtensions
{
    /// <summary>Every engine meter starts with this (Ivr.Calls, Ivr.Sip, Ivr.Media, Ivr.Flows, Ivr.Actors, Ivr.Skills).</summary>
    public const string MeterPrefix = "Ivr.";

    /// <summary>The service name on <c>/metrics</c>' <c>target_info</c> (OpenTelemetry's <c>service.name</c>).</summary>
    public const string ServiceName = "ivr";

    /// <summary>The label every series on <c>/metrics</c> carries: <see cref="IClusterView.NodeName"/>.</summary>
    public const string NodeLabel = "node";

    /// <summary>
    /// Adds the ops services with <paramref name="ops"/> (called by <c>AddIvrEngine</c>, which also registers what they
    /// read of the node: the <see cref="IEngineNode"/> and the <see cref="MediaMetrics"/>). <paramref name="instanceId"/>
    /// names this node on <c>target_info</c> (<c>service_instance_id</c>); <paramref name="nodeName"/> is the name of a
    /// node that runs alone (a <see cref="SingleNodeView"/>, registered unless a cluster registers its own
    /// <see cref="IClusterView"/>): <c>AddIvrEngine</c> passes <see cref="DefaultNodeName"/>; without it, the machine's name.
    /// </summary>
    public static IServiceCollection AddIvrOps(this IServiceCollection services, OpsOptions ops, string? instanceId = null, string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(ops);
        services.TryAddSingleton<ISkillStatusSource>(NoSkills.Instance);
        services.TryAddSingleton<IClusterView>(new SingleNodeView(nodeName ?? Environment.MachineName));
        services.AddSingleton(ops);
        services.AddSingleton(new OpsAccess(ops));
        services.AddSingleton(sp => new FlowMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new ActorMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new CallOps(
            new CallBoard(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<FlowMetrics>(), ops.RecentCalls, ops.TimelineEvents),
            sp.GetRequiredService<FlowMetrics>(),
            sp.GetRequiredService<ActorMetrics>())
        {
            Speech = sp.GetRequiredService<SpeechMetrics>(),
        });
        services.AddSingleton(sp => new SpeechMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new SkillMetrics(sp.GetRequiredService<ISkillStatusSource>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new FlowVersionLog(sp.GetRequiredService<LiveFlows>()));
        services.AddSingleton<OpsStatusSource>();
        services.AddSingleton<OpsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<OpsSampler>());

        // target_info says which engine this is (without it: service_name="unknown_service:ivr"); the node's name is a
        // resource attribute too, which the exporter copies onto every series as the node label, so a Prometheus
        // scraping several nodes can sum by node without joining on target_info. Whichever IClusterView is registered
        // (the single node's or the cluster's) names the node when the meter provider is built.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: Version, serviceInstanceId: instanceId, autoGenerateServiceInstanceId: instanceId is null)
                .AddDetector(sp => new NodeResourceDetector(sp.GetRequiredService<IClusterView>())))
            .WithMetrics(metrics => metrics
            .AddMeter(MeterPrefix + "*")
            .AddPrometheusExporter(o =>
            {
                // Scrapes read live values: no cached response, so /metrics and /api/status agree at any quiet moment.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ResourceConstantLabels = key => key == NodeLabel;
            }));
        // Only this host's meters (made by its IMeterFactory): OpenTelemetry listens process-wide by name, so a second
        // host in the process (tests run several side by side) would otherwise mix its calls and skills into these.
        services.ConfigureOpenTelemetryMeterProvider((sp, builder) =>
        {
            var own = sp.GetService<IMeterFactory>();
            builder.AddView(instrument => own is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
        });
        return services;
    }

    /// <summary>
    /// The name of a node: <paramref name="configured"/> (<c>Cluster:Node</c>) when it is set, else
    /// <c>MACHINE:SIP-PORT</c> (e.g. <c>vm:5060</c>), stable across restarts and readable on a dashboard.
    /// </summary>
    public static string DefaultNodeName(string? configured, int sipPort) =>
        string.IsNullOrWhiteSpace(configured)
            ? Environment.MachineName + ":" + sipPort.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : configured.Trim();

    /// <summary>The engine's version: the informational version without its source-revision suffix.</summary>
    internal static string Version { get; } = typeof(OpsServiceCollectionExtensions).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(OpsServiceCollectionExtensions).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
