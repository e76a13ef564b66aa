using Microsoft.Extensions.Configuration;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The engine's settings: <c>appsettings.json</c> beside the binary (shipped with the defaults below), then an optional
/// extra file, then environment variables prefixed <c>IVR__</c> (<c>IVR__Sip__Port=5080</c>), then command-line overrides.
/// </summary>
public sealed class EngineOptions
{
    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "IVR__";

    /// <summary>SIP listening.</summary>
    public SipOptions Sip { get; set; } = new();

    /// <summary>RTP.</summary>
    public MediaOptions Media { get; set; } = new();

    /// <summary>Flows and the number map.</summary>
    public FlowsOptions Flows { get; set; } = new();

    /// <summary>Prompt sound files.</summary>
    public FolderOptions Sounds { get; set; } = new() { Folder = "sounds" };

    /// <summary>Recordings and other data.</summary>
    public FolderOptions Data { get; set; } = new() { Folder = "data" };

    /// <summary>HTTP endpoints.</summary>
    public HttpOptions Http { get; set; } = new();

    /// <summary>Admission and drain.</summary>
    public CallsOptions Calls { get; set; } = new();

    /// <summary>The agents' registrar (REGISTER with Digest authentication).</summary>
    public RegistrarSettings Registrar { get; set; } = new();

    /// <summary>The skill router.</summary>
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>Simulated callers and agents for <c>serve --demo</c>.</summary>
    public DemoOptions Demo { get; set; } = new();

    /// <summary>Operations: admin token, read access, history sizes.</summary>
    public Ops.OpsOptions Ops { get; set; } = new();

    /// <summary>Console log format.</summary>
    public Ops.LogOptions Logging { get; set; } = new();

    /// <summary>Speech recognition and synthesis.</summary>
    public SpeechOptions Speech { get; set; } = new();

    /// <summary>Several engines as one contact centre (off: a single node).</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>The durable stores' provider (SQLite for one node, PostgreSQL for a cluster).</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Flows on the channels of an Asterisk PBX over FastAGI (off unless <c>Asterisk:FastAgi:Listen</c> is set).</summary>
    public AsteriskOptions Asterisk { get; set; } = new();

    /// <summary>The configuration these options were bound from (its <c>Logging:LogLevel</c> section sets the log levels).</summary>
    internal IConfiguration? Source { get; private set; }

    /// <summary>Builds the options from the layered sources; <paramref name="overrides"/> are <c>Section:Key</c> pairs.</summary>
    public static EngineOptions Load(IEnumerable<KeyValuePair<string, string?>>? overrides = null, string? extraJsonFile = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (extraJsonFile is not null) builder.AddJsonFile(Path.GetFullPath(extraJsonFile), optional: false, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return From(builder.Build());
    }

    /// <summary>Binds <paramref name="configuration"/> and fills the list and map defaults it left empty.</summary>
    public static EngineOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new EngineOptions();
        configuration.Bind(options);
        options.Source = configuration;
        // Lists and maps are filled here, not by initializers: the binder appends to existing collections.
        if (options.Sip.Transports.Count == 0) options.Sip.Transports.AddRange(["udp", "tcp"]);
        if (options.Flows.Map.Count == 0) options.Flows.Map["hotline"] = "hotline";
        options.Flows.Map = new Dictionary<string, string>(options.Flows.Map, StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(options.Flows.DefaultFlow)) options.Flows.DefaultFlow = null;
        if (options.Calls.RingFor < TimeSpan.Zero || options.Calls.RingFor > CallsOptions.MaxRingFor)
        {
            throw new FormatException($"Calls:RingFor must be between 00:00:00 and {CallsOptions.MaxRingFor:c}, got {options.Calls.RingFor:c}.");
        }
        _ = Net.NatNetworks.Parse(options.Sip.NatNetworks);
        // A TLS certificate that cannot be used stops the start with one line naming the setting and the file.
        if (options.Sip.Transports.Any(t => string.Equals(t, "tls", StringComparison.OrdinalIgnoreCase))) _ = options.Sip.Tls.Load(TimeProvider.System);
        Ivr.Engine.Ops.ConsoleLogging.Validate(options.Logging);
        Ivr.Engine.Ops.OpsAccess.Validate(options.Ops);
        return options;
    }
}
