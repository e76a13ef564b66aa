using System.Net;
using Akka.Hosting;
using Ivr.Engine.Asterisk;
using Ivr.Engine.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>The <c>Asterisk</c> section: Ivr flows on the channels of an Asterisk PBX (docs/asterisk.md).</summary>
public sealed class AsteriskOptions
{
    /// <summary>The FastAGI server (<c>Asterisk:FastAgi:*</c>).</summary>
    public FastAgiOptions FastAgi { get; set; } = new();

    /// <summary>
    /// A folder Asterisk can read, where the engine writes its prompts (WAV files and synthesized text) as 8 kHz
    /// <c>.sln</c> files for <c>STREAM FILE</c>; relative paths are under the data folder. Default <c>asterisk-sounds</c>.
    /// </summary>
    public string SoundsFolder { get; set; } = "asterisk-sounds";

    /// <summary>AMI connections by name (<c>Asterisk:Ami:NAME:*</c>); none by default (docs/asterisk.md, "AMI").</summary>
    public Dictionary<string, AmiOptions> Ami { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The FastAGI listener's settings.</summary>
    public sealed class FastAgiOptions
    {
        /// <summary>Where to listen, e.g. <c>127.0.0.1:4573</c>; empty (the default) turns FastAGI off.</summary>
        public string Listen { get; set; } = string.Empty;

        /// <summary>How long a new connection may take to send its environment before it is closed.</summary>
        public TimeSpan EnvironmentTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>
        /// How long Asterisk may take to answer a command beyond what the command lasts (a prompt's length, a digit poll):
        /// no reply by then and the channel is taken as lost, the call ends. Default 5 s.
        /// </summary>
        public TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>Most FastAGI connections at once (pending an environment, or carrying a channel); more are closed at once and counted. Default 500.</summary>
        public int MaxConnections { get; set; } = 500;

        /// <summary>
        /// The networks Asterisk may connect from, comma-separated (<c>10.0.0.5, 192.168.1.0/24</c>; <c>0.0.0.0/0, ::/0</c>
        /// for any). Empty (the default) lets any peer in only when <see cref="Listen"/> is a loopback address; listening
        /// elsewhere without it fails the start: FastAGI has no authentication.
        /// </summary>
        public string AllowedPeers { get; set; } = string.Empty;

        /// <summary>How long each <c>WAIT FOR DIGIT</c> waits while the flow waits for keys (also the longest delay before a new command).</summary>
        public TimeSpan DigitPoll { get; set; } = TimeSpan.FromMilliseconds(200);
    }
}

/// <summary>Registers the FastAGI server when <c>Asterisk:FastAgi:Listen</c> is set.</summary>
public static class AsteriskHosting
{
    /// <summary>Adds the FastAGI server and its handler (nothing when FastAGI is off).</summary>
    public static IServiceCollection AddIvrAsterisk(this IServiceCollection services, AsteriskOptions options, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddIvrAmi(options.Ami);
        if (string.IsNullOrWhiteSpace(options.FastAgi.Listen)) return services;
        if (!IPEndPoint.TryParse(options.FastAgi.Listen, out var listen))
        {
            throw new FormatException($"Asterisk:FastAgi:Listen must be address:port, got '{options.FastAgi.Listen}'.");
        }
        var sounds = Path.IsPathRooted(options.SoundsFolder) ? options.SoundsFolder : Path.Combine(dataFolder, options.SoundsFolder);
        services.AddSingleton(sp => new AgiMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(_ => new AgiSoundFiles(sounds));
        services.AddSingleton<IAgiSessionHandler>(sp =>
        {
            var registry = sp.GetRequiredService<ActorRegistry>();
            return new AgiCallHandler(registry.Get<CallManager>, sp.GetRequiredService<AgiSoundFiles>(), sp.GetRequiredService<AgiMetrics>(), options.FastAgi.DigitPoll);
        });
        var peers = FastAgiLimits.ParsePeers(options.FastAgi.AllowedPeers);
        if (peers.Count == 0 && !IPAddress.IsLoopback(listen.Address))
        {
            throw new FormatException($"Asterisk:FastAgi:AllowedPeers is required when FastAGI listens on {listen} (not loopback): list Asterisk's address(es), e.g. 10.0.0.5 or 10.0.0.0/24 (0.0.0.0/0 lets anyone in). FastAGI has no authentication.");
        }
        if (options.FastAgi.MaxConnections < 1) throw new FormatException("Asterisk:FastAgi:MaxConnections must be at least 1.");
        var limits = new FastAgiLimits(options.FastAgi.EnvironmentTimeout, options.FastAgi.ReplyTimeout, options.FastAgi.MaxConnections, peers);
        services.AddSingleton(sp => new FastAgiServer(listen, sp.GetRequiredService<IAgiSessionHandler>(), sp.GetRequiredService<AgiMetrics>(),
            limits, sp.GetRequiredService<ILogger<FastAgiServer>>(), sp.GetService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<FastAgiServer>());
        return services;
    }
}
