namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// Who holds a callback's lease and for how long: a lease (Dialling) names its owner (the node) and expires unless the
/// owner renews it, so another node can take over the callbacks of a node that died (<see cref="ICallbackStore.RecoverExpiredAsync"/>).
/// </summary>
/// <param name="Owner">This node's name (<c>Cluster:Node</c>; the machine name when not clustered).</param>
/// <param name="Length">How long a lease lasts from its last renewal (<c>Storage:CallbackLease</c>, default 60 s).</param>
public sealed record CallbackLeaseOptions(string Owner, TimeSpan Length)
{
    /// <summary>The default lease length.</summary>
    public static readonly TimeSpan DefaultLength = TimeSpan.FromSeconds(60);

    /// <summary>How often the router looks for other nodes' expired leases.</summary>
    public TimeSpan RecoverEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the router renews the leases it holds: a third of <see cref="Length"/>, so two renewals can fail before one expires.</summary>
    public TimeSpan RenewEvery => Length / 3;

    /// <summary>This machine's name as owner, 60 s leases.</summary>
    public static CallbackLeaseOptions Default => new(Environment.MachineName, DefaultLength);
}
