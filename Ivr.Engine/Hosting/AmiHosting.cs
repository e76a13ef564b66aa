using System.Globalization;
using Ivr.Engine.Asterisk.Ami;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.External;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers one AMI client per configured Asterisk (<c>Asterisk:Ami:NAME:*</c>); nothing when none is configured.</summary>
public static class AmiHosting
{
    /// <summary>Adds the AMI clients (each a hosted service that connects and reconnects on its own).</summary>
    public static IServiceCollection AddIvrAmi(this IServiceCollection services, IReadOnlyDictionary<string, AmiOptions> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count == 0) return services;
        var settings = servers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Settings(p.Key, p.Value)).ToList();
        services.AddSingleton(sp => new AmiMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        foreach (var server in settings)
        {
            services.AddSingleton(sp => new AmiClient(server, sp.GetRequiredService<AmiMetrics>(), sp.GetRequiredService<ILogger<AmiClient>>(), sp.GetService<TimeProvider>()));
        }
        var watched = servers.Where(p => p.Value.WatchQueues).Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (watched.Count > 0) AddQueueBoard(services);
        // Watchers subscribe before their client starts, so the first login's resync is seen.
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
        {
            var clients = sp.GetServices<AmiClient>().ToList();
            var watchers = clients.Where(c => watched.Contains(c.Name))
                .Select(c => new AmiQueueWatcher(c, sp.GetRequiredService<AmiQueueFeed>(), sp.GetRequiredService<ILogger<AmiQueueWatcher>>()))
                .ToList();
            return new AmiServices([.. watchers, .. clients]);
        });
        return services;
    }

    /// <summary>The skill name of <paramref name="queue"/> on Asterisk <paramref name="asterisk"/>: <c>asterisk:NAME/QUEUE</c>.</summary>
    public static string SkillName(string asterisk, string queue) => "asterisk:" + asterisk + "/" + queue;

    /// <summary>
    /// The board of Asterisk queues, and the skill status source as the router's (or none) followed by the board's: the
    /// source registered so far is wrapped, so <c>/api/queues</c>, the dashboard and metrics show both.
    /// </summary>
    private static void AddQueueBoard(IServiceCollection services)
    {
        services.AddSingleton(sp => new ExternalQueueBoard(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(sp => new AmiQueueFeed(sp.GetRequiredService<ExternalQueueBoard>()));
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(ISkillStatusSource));
        if (inner is not null) services.Remove(inner);
        services.AddSingleton<ISkillStatusSource>(sp => new CombinedSkillStatus(Resolve(sp, inner), sp.GetRequiredService<ExternalQueueBoard>()));
    }

    private static ISkillStatusSource Resolve(IServiceProvider sp, ServiceDescriptor? descriptor) => descriptor switch
    {
        null => NoSkills.Instance,
        { ImplementationInstance: ISkillStatusSource instance } => instance,
        { ImplementationFactory: { } factory } => (ISkillStatusSource)factory(sp),
        { ImplementationType: { } type } => (ISkillStatusSource)ActivatorUtilities.CreateInstance(sp, type),
        _ => NoSkills.Instance,
    };

    /// <summary>Checks one entry and turns it into the client's settings; a missing or bad value is a <see cref="FormatException"/> naming the setting.</summary>
    internal static AmiClientSettings Settings(string name, AmiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = "Asterisk:Ami:" + name + ":";
        if (name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_'))
            throw new FormatException($"Asterisk:Ami:{name}: the name may hold letters, digits, '-' and '_' only.");
        if (string.IsNullOrWhiteSpace(options.Host)) throw new FormatException(prefix + "Host is required (the Asterisk manager's address).");
        if (options.Port is < 1 or > 65535) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{prefix}Port must be 1-65535, got {options.Port}."));
        if (string.IsNullOrWhiteSpace(options.User)) throw new FormatException(prefix + "User is required (a manager.conf user).");
        if (string.IsNullOrEmpty(options.Secret)) throw new FormatException(prefix + "Secret is required.");
        var md5 = options.AuthType.ToUpperInvariant() switch
        {
            "MD5" => true,
            "PLAIN" => false,
            _ => throw new FormatException($"{prefix}AuthType must be md5 or plain, got '{options.AuthType}'."),
        };
        if (options.PingInterval <= TimeSpan.Zero || options.ActionTimeout <= TimeSpan.Zero || options.ReconnectMax <= TimeSpan.Zero)
            throw new FormatException(prefix + "PingInterval, ActionTimeout and ReconnectMax must be positive.");
        var initial = TimeSpan.FromTicks(Math.Min(AmiBackoff.Default.Initial.Ticks, options.ReconnectMax.Ticks));
        return new AmiClientSettings(name, options.Host, options.Port, options.User, options.Secret)
        {
            Md5 = md5,
            Events = options.Events,
            PingInterval = options.PingInterval,
            ActionTimeout = options.ActionTimeout,
            Backoff = new AmiBackoff(initial, options.ReconnectMax),
        };
    }

    /// <summary>Starts the watchers then the clients, and stops them in reverse.</summary>
    private sealed class AmiServices(IReadOnlyList<Microsoft.Extensions.Hosting.BackgroundService> services) : Microsoft.Extensions.Hosting.IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var service in services) await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var service in services.Reverse()) await service.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Feeds an <see cref="ExternalQueueBoard"/> from AMI queue watchers: queue <c>Q</c> of Asterisk <c>N</c> is the skill
/// <c>asterisk:N/Q</c>; members' device states become agent states (free → ready, ringing → ringing, in use, busy or on
/// hold → talking, paused, unavailable, invalid or unknown → away).
/// </summary>
internal sealed class AmiQueueFeed(ExternalQueueBoard board) : IAmiQueueSink
{
    public void Joined(string asterisk, string queue, string caller) => board.Joined(AmiHosting.SkillName(asterisk, queue), caller, TimeSpan.Zero);

    public void Left(string asterisk, string queue, string caller) => board.Left(AmiHosting.SkillName(asterisk, queue), caller);

    public void Abandoned(string asterisk, string queue, string caller, TimeSpan waited) => board.Abandoned(AmiHosting.SkillName(asterisk, queue), caller, waited);

    public void Answered(string asterisk, string queue, string caller, TimeSpan waited) => board.Answered(AmiHosting.SkillName(asterisk, queue), caller, waited);

    public void Completed(string asterisk, string queue, string caller, TimeSpan talked) => board.Handled(AmiHosting.SkillName(asterisk, queue), talked);

    public void Member(string asterisk, string queue, string member, AmiMemberStatus status) => board.Member(AmiHosting.SkillName(asterisk, queue), member, State(status));

    public void MemberRemoved(string asterisk, string queue, string member) => board.MemberRemoved(AmiHosting.SkillName(asterisk, queue), member);

    public void Resynced(string asterisk, IReadOnlyList<AmiQueueSnapshot> queues)
    {
        foreach (var q in queues)
        {
            board.Resync(AmiHosting.SkillName(asterisk, q.Queue), q.Callers, q.Members.Select(m => (m.Member, State(m.Status))));
        }
        board.Retain(AmiHosting.SkillName(asterisk, string.Empty), queues.Select(q => AmiHosting.SkillName(asterisk, q.Queue)).ToHashSet(StringComparer.Ordinal));
    }

    internal static AgentState State(AmiMemberStatus status) => status switch
    {
        AmiMemberStatus.NotInUse => AgentState.Ready,
        AmiMemberStatus.Ringing or AmiMemberStatus.RingInUse => AgentState.Ringing,
        AmiMemberStatus.InUse or AmiMemberStatus.Busy or AmiMemberStatus.OnHold => AgentState.Talking,
        _ => AgentState.Away,
    };
}
