using Ivr.Engine.Calls;
using Ivr.Engine.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Diagnostics.Metrics;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the contact history and the events out (<c>Events</c> section): the stores, the tap on the call board and the webhook dispatcher.</summary>
public static class EventsHosting
{
    /// <summary>
    /// Adds the tap (always: it writes the contact history) and, when webhooks are configured, the dispatcher. A webhook
    /// that is misconfigured is left out with one error line at start; the engine serves on.
    /// </summary>
    public static IServiceCollection AddIvrEvents(this IServiceCollection services, EngineOptions options, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var events = new EventsOptions();
        options.Source?.GetSection("Events").Bind(events);
        events.Validate();
        var (webhooks, errors) = WebhookTarget.From(events);
        services.AddSingleton(events);
        var contacts = new Contacts.ContactsOptions();
        options.Source?.GetSection("Contacts").Bind(contacts);
        services.AddSingleton(sp => new EventMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new EventStores(dataFolder, sp.GetRequiredService<TimeProvider>(), options.Storage.Provider, options.Storage.ConnectionString));
        services.AddSingleton(sp =>
        {
            var log = sp.GetRequiredService<ILogger<CallEventTap>>();
            foreach (var error in errors) log.LogError("Events: {Error}", error);
            return new CallEventTap(sp.GetRequiredService<CallOps>().Board, sp.GetRequiredService<EventStores>(), webhooks, events,
                sp.GetRequiredService<EventMetrics>(), sp.GetRequiredService<TimeProvider>(), log, contacts);
        });
        services.AddHostedService(sp => sp.GetRequiredService<CallEventTap>());
        if (webhooks.Count == 0) return services;
        services.AddSingleton(sp =>
        {
            var dispatcher = new WebhookDispatcher(sp.GetRequiredService<EventStores>(), webhooks, events, sp.GetRequiredService<EventMetrics>(),
                RoutingHosting.LeaseOwner(options.Cluster), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookDispatcher>>());
            sp.GetRequiredService<CallEventTap>().Written += dispatcher.Nudge;
            return dispatcher;
        });
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
