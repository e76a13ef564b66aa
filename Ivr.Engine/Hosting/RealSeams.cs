using Ivr.Engine.Calls;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>Registers the real SIP stack and RTP media behind the call layer's seams (what <c>serve</c> and <c>dial</c> run on).</summary>
public static class RealSeams
{
    /// <summary>Adds <see cref="RealSipStackFactory"/> and <see cref="RtpMediaSessionFactory"/> unless something else was plugged first.</summary>
    public static void Plug(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISipStackFactory>(sp =>
            new RealSipStackFactory(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ISipRegistrar>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<IMediaSessionFactory>(sp =>
        {
            var options = sp.GetService<EngineOptions>() ?? new EngineOptions();
            return new RtpMediaSessionFactory(options.Media, options.Sip.Address, sp.GetRequiredService<TimeProvider>(),
                Net.NatNetworks.Parse(options.Sip.NatNetworks));
        });
    }
}
