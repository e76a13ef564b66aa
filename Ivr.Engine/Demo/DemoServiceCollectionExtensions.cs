using Ivr.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Demo;

/// <summary>Registers the demo (<c>serve --demo</c>) on top of the engine.</summary>
public static class DemoServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="DemoService"/> when <see cref="DemoOptions.Enabled"/>; call after <c>AddIvrEngine</c>, so the demo
    /// stops (hangs up its callers) before the engine drains.
    /// </summary>
    public static IServiceCollection AddIvrDemo(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Demo.Enabled) services.AddHostedService<DemoService>();
        return services;
    }
}
