using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// The services of <c>Http:Services</c>, checked once at start: a bad base URL names the service and the setting, and
/// services on one host (which share one circuit breaker) must give it the same breaker settings.
/// </summary>
public sealed class HttpServiceCatalog
{
    /// <summary>The settings section, under which each child is a service.</summary>
    public const string Section = "Http:Services";

    /// <summary>The setting bounding the open connections to one host (default <see cref="DefaultMaxConnectionsPerServer"/>).</summary>
    public const string MaxConnectionsSetting = "Http:MaxConnectionsPerServer";

    /// <summary>Default of <see cref="MaxConnectionsSetting"/>: more callers than this waiting on one host queue for a connection.</summary>
    public const int DefaultMaxConnectionsPerServer = 32;

    private readonly Dictionary<string, HttpService> _services;

    /// <summary>Builds the catalog from already-bound options (tests, code).</summary>
    public HttpServiceCatalog(IReadOnlyDictionary<string, HttpServiceOptions> services, int maxConnectionsPerServer = DefaultMaxConnectionsPerServer)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (maxConnectionsPerServer is < 1 or > 1000) throw new ArgumentException($"{MaxConnectionsSetting} must be 1 to 1000");
        MaxConnectionsPerServer = maxConnectionsPerServer;
        _services = new Dictionary<string, HttpService>(StringComparer.Ordinal);
        foreach (var (name, options) in services) _services[name] = HttpService.Create(name, options);
        foreach (var host in _services.Values.GroupBy(s => s.HostKey, StringComparer.OrdinalIgnoreCase))
        {
            var first = host.First();
            foreach (var other in host.Skip(1))
            {
                if (Breaker(other.Options) != Breaker(first.Options))
                {
                    throw new ArgumentException(
                        $"{Section}:{first.Name} and {Section}:{other.Name} are on one host ({host.Key}) and share its circuit breaker, " +
                        "but their Breaker* settings differ; give them the same BreakerMinimumThroughput, BreakerFailureRatio, BreakerSamplingSeconds and BreakerSeconds");
                }
            }
        }
    }

    /// <summary>Reads <see cref="Section"/> of <paramref name="configuration"/> (none: no service) and <see cref="MaxConnectionsSetting"/>.</summary>
    public static HttpServiceCatalog From(IConfiguration? configuration)
    {
        var services = new Dictionary<string, HttpServiceOptions>(StringComparer.Ordinal);
        foreach (var child in configuration?.GetSection(Section).GetChildren() ?? [])
        {
            var options = new HttpServiceOptions();
            child.Bind(options);
            services[child.Key] = options;
        }
        var max = DefaultMaxConnectionsPerServer;
        if (configuration?[MaxConnectionsSetting] is { Length: > 0 } text && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out max))
            throw new ArgumentException($"{MaxConnectionsSetting} must be a whole number (got '{text}')");
        return new HttpServiceCatalog(services, max);
    }

    /// <summary>The names configured.</summary>
    public IReadOnlyCollection<string> Names => _services.Keys;

    /// <summary>Open connections allowed to one host (scheme, host, port), shared by the services on it.</summary>
    public int MaxConnectionsPerServer { get; }

    /// <summary>The service called <paramref name="name"/>, or null.</summary>
    public HttpService? Find(string name) => _services.GetValueOrDefault(name);

    private static (int, double, double, double) Breaker(HttpServiceOptions o) =>
        (o.BreakerMinimumThroughput, o.BreakerFailureRatio, o.BreakerSamplingSeconds, o.BreakerSeconds);
}
