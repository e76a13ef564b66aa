using Microsoft.Extensions.Configuration;

namespace Ivr.Engine.Integrations.Http;

/// <summary>The services of <c>Http:Services</c>, checked once at start: a bad base URL names the service and the setting.</summary>
public sealed class HttpServiceCatalog
{
    /// <summary>The settings section, under which each child is a service.</summary>
    public const string Section = "Http:Services";

    private readonly Dictionary<string, HttpService> _services;

    /// <summary>Builds the catalog from already-bound options (tests, code).</summary>
    public HttpServiceCatalog(IReadOnlyDictionary<string, HttpServiceOptions> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = new Dictionary<string, HttpService>(StringComparer.Ordinal);
        foreach (var (name, options) in services) _services[name] = HttpService.Create(name, options);
    }

    /// <summary>Reads <see cref="Section"/> of <paramref name="configuration"/> (none: no service).</summary>
    public static HttpServiceCatalog From(IConfiguration? configuration)
    {
        var services = new Dictionary<string, HttpServiceOptions>(StringComparer.Ordinal);
        foreach (var child in configuration?.GetSection(Section).GetChildren() ?? [])
        {
            var options = new HttpServiceOptions();
            child.Bind(options);
            services[child.Key] = options;
        }
        return new HttpServiceCatalog(services);
    }

    /// <summary>The names configured.</summary>
    public IReadOnlyCollection<string> Names => _services.Keys;

    /// <summary>The service called <paramref name="name"/>, or null.</summary>
    public HttpService? Find(string name) => _services.GetValueOrDefault(name);
}
