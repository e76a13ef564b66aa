using System.Diagnostics.Metrics;
using System.Globalization;
using Ivr.Engine.Events;
using Ivr.Engine.Integrations.ScreenPop;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the agent's context sources: the caller's previous contacts and the screen-pop webhook (<c>ScreenPop</c> section).</summary>
public static class ScreenPopHosting
{
    /// <summary>
    /// Adds <see cref="IPreviousContacts"/> over the contact history and, when <c>ScreenPop:Url</c> is set, the
    /// <see cref="IScreenPop"/> sender. Settings that cannot be used are logged as one error at start and the engine serves
    /// on without a screen-pop (the INVITE headers and <c>/api/calls/{id}</c> still carry the context).
    /// </summary>
    public static IServiceCollection AddIvrScreenPop(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var screenPop = new ScreenPopOptions();
        options.Source?.GetSection(ScreenPopOptions.Section).Bind(screenPop);
        services.AddSingleton(screenPop);
        services.AddSingleton(sp => new ScreenPopMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<IPreviousContacts>(sp => new ContactHistoryLookup(sp.GetRequiredService<EventStores>().ContactsAsync));
        services.AddSingleton<IScreenPop>(sp =>
        {
            var log = sp.GetRequiredService<ILogger<ScreenPopSender>>();
            var usable = screenPop;
            if (screenPop.Problem() is { } problem)
            {
                log.LogError("Screen-pop disabled: {Problem}", problem);
                usable = new ScreenPopOptions();
            }
            var time = sp.GetRequiredService<TimeProvider>();
            var http = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(usable.Timeout),
            })
            { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            return new ScreenPopSender(usable, http, Signer(time), sp.GetRequiredService<ScreenPopMetrics>(), time, log);
        });
        return services;
    }

    // The events webhooks' signature (the one implementation), with the timestamp it signs.
    private static WebhookSigner Signer(TimeProvider time) => (secret, body) =>
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return
        [
            new(WebhookSignature.TimestampHeader, now.ToString(CultureInfo.InvariantCulture)),
            new(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, now, body)),
        ];
    };
}
