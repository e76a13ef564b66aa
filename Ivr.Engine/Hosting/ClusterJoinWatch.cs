using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Holds the engine's start until this node is an Up member of its cluster (so SIP opens only once the node is in), and
/// fails it with one clear line when that takes longer than <see cref="ClusterOptions.JoinTimeout"/> (a wrong seed).
/// </summary>
internal sealed class ClusterJoinWatch(IServiceProvider services, ClusterOptions options, ILogger<ClusterJoinWatch> log) : IHostedService
{
    private volatile bool _stopping;
    private volatile bool _downed;

    /// <summary>The exit code of a node the cluster downed: a supervisor (systemd <c>Restart=on-failure</c>) starts it again.</summary>
    public const int DownedExitCode = 3;

    /// <summary>True once the others downed this node (the engine then stops and <c>serve</c> exits with <see cref="DownedExitCode"/>).</summary>
    public bool Downed => _downed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (ClusterHosting.SeedAddresses(options).Count == 0)
            throw new ClusterStartException("cluster: Cluster:Enabled is true but no seed is given; set --set Cluster:Seeds:0=HOST:PORT (this node's own address to start a new cluster)");
        ActorSystem system;
        try
        {
            system = (ActorSystem)services.GetService(typeof(ActorSystem))!;
        }
        catch (Exception ex) when (ex is InvalidOperationException or AggregateException)
        {
            throw new ClusterStartException(ClusterHosting.PortLine(options, ex), ex);
        }
        var cluster = Akka.Cluster.Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(options.JoinTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ClusterStartException(
                $"cluster: not a member after {options.JoinTimeout.TotalSeconds:0.#} s: no seed of [{string.Join(", ", options.Seeds)}] answered at "
                + $"{cluster.SelfAddress}; check --set Cluster:Seeds:0=HOST:PORT (a running node, or this node first) and that the nodes can reach each other");
        }
        log.LogInformation("Cluster: {Node} is up; members: {Members}", cluster.SelfAddress,
            string.Join(", ", cluster.State.Members.Select(m => m.Address.ToString())));
        // Removed while the engine is not stopping: the others downed this node (it was frozen or cut off longer than
        // Cluster:DownAfter) and Akka shuts its actor system down. It must not serve on as if nothing happened: say so in
        // one line and stop the engine, so that a supervisor starts it again as a new member.
        var lifetime = (IHostApplicationLifetime?)services.GetService(typeof(IHostApplicationLifetime));
        cluster.RegisterOnMemberRemoved(() =>
        {
            if (_stopping || lifetime?.ApplicationStopping.IsCancellationRequested == true) return;
            _downed = true;
            log.LogError("Cluster: this node ({Node}) was downed by the others (unreachable longer than Cluster:DownAfter); it stops now: restart it to rejoin as a new member",
                cluster.SelfAddress);
            lifetime?.StopApplication();
        });
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.CompletedTask;
    }
}
