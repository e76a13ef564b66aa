using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Integrations.Http;

/// <summary>Registers what <c>http</c> steps need: the services of <c>Http:Services</c>, the shared client and its metrics.</summary>
public static class HttpIntegrationServiceCollectionExtensions
{
    /// <summary>Adds <see cref="HttpServiceCatalog"/>, <see cref="HttpStepMetrics"/> and <see cref="HttpStepClient"/>.</summary>
    /// <param name="services">The engine's services.</param>
    /// <param name="configuration">The engine's settings (their <c>Http:Services</c> section), or null for none.</param>
    public static IServiceCollection AddIvrHttpSteps(this IServiceCollection services, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => HttpServiceCatalog.From(configuration));
        services.AddSingleton(sp => new HttpStepMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton(sp => new HttpStepClient(
            sp.GetRequiredService<HttpServiceCatalog>(),
            sp.GetRequiredService<HttpStepMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<HttpStepClient>>()));
        return services;
    }
}
