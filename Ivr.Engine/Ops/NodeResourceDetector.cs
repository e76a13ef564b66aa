using OpenTelemetry.Resources;

namespace Ivr.Engine.Ops;

/// <summary>
/// Puts the node's name (<see cref="IClusterView.NodeName"/>) on the OpenTelemetry resource as <c>node</c>, which the
/// Prometheus exporter copies onto every series (<c>ResourceConstantLabels</c>) and onto <c>target_info</c>.
/// </summary>
/// <param name="cluster">The view that names this node.</param>
internal sealed class NodeResourceDetector(IClusterView cluster) : IResourceDetector
{
    /// <inheritdoc />
    public Resource Detect() => new([new KeyValuePair<string, object>(OpsServiceCollectionExtensions.NodeLabel, cluster.NodeName)]);
}
