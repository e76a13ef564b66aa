using System.Net;
using Akka.Hosting;
using Ivr.Engine.Asterisk;
using Ivr.Engine.Asterisk.Ari;
using Ivr.Engine.Calls;
using Ivr.Engine.Calls.Legs;
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

    /// <summary>ARI, for the caller's audio on speech menus (<c>Asterisk:Ari:*</c>); off while <see cref="AriOptions.Url"/> is empty.</summary>
    public AriOptions Ari { get; set; } = new();

    /// <summary>Speech on Asterisk calls: Asterisk's REST interface and where it sends the caller's audio (docs/asterisk.md).</summary>
    public sealed class AriOptions
    {
        /// <summary>
        /// Asterisk's HTTP server, e.g. <c>http://127.0.0.1:8088</c>, with its path prefix if any (<c>http.conf</c>
        /// <c>prefix=</c>, a reverse proxy: <c>http://pbx/asterisk</c>); no user or password in it. Empty (the default)
        /// leaves speech menus on Asterisk calls to keys.
        /// </summary>
        public string Url { get; set; } = string.Empty;

        /// <summary>The <c>ari.conf</c> user.</summary>
        public string User { get; set; } = string.Empty;

        /// <summary>Its password.</summary>
        public string Password { get; set; } = string.Empty;

        /// <summary>The Stasis application name the engine registers (default <c>ivr</c>).</summary>
        public string App { get; set; } = "ivr";

        /// <summary>
        /// The engine's address as Asterisk reaches it, where the caller's RTP is sent; empty: the address RTP binds to
        /// (<c>Media:Address</c>, else <c>Sip:Address</c>). Set, it must be that address, unless RTP binds to a wildcard
        /// (<c>0.0.0.0</c>, <c>::</c>), where it is required.
        /// </summary>
        public string RtpAddress { get; set; } = string.Empty;

        /// <summary>The longest one ARI request may take (default 5 s); beyond it the call's speech menus take keys.</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
    }

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
    /// <summary>
    /// Adds the FastAGI server and its handler (nothing when FastAGI is off); <paramref name="mediaAddress"/> is the address
    /// RTP binds to (<c>Media:Address</c>, else <c>Sip:Address</c>), where Asterisk sends the caller's audio over ARI.
    /// </summary>
    public static IServiceCollection AddIvrAsterisk(this IServiceCollection services, AsteriskOptions options, string dataFolder, string mediaAddress = "127.0.0.1")
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
        var speech = AddAri(services, options.Ari, mediaAddress);
        services.AddSingleton<IAgiSessionHandler>(sp =>
        {
            var registry = sp.GetRequiredService<ActorRegistry>();
            return new AgiCallHandler(registry.Get<CallManager>, sp.GetRequiredService<AgiSoundFiles>(), sp.GetRequiredService<AgiMetrics>(), options.FastAgi.DigitPoll)
            {
                Speech = speech?.Invoke(sp),
            };
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

    // The ARI client when Asterisk:Ari:Url is set (checked here, so a typo stops the start with the setting's name).
    private static Func<IServiceProvider, AgiSpeechRoute>? AddAri(IServiceCollection services, AsteriskOptions.AriOptions ari, string mediaAddress)
    {
        if (string.IsNullOrWhiteSpace(ari.Url)) return null;
        if (!Uri.TryCreate(ari.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"Asterisk:Ari:Url must be Asterisk's HTTP server, e.g. http://127.0.0.1:8088, got '{ari.Url}'.");
        }
        if (url.UserInfo.Length > 0)
        {
            throw new FormatException("Asterisk:Ari:Url must not carry a user or password (they would reach the logs): set Asterisk:Ari:User and Asterisk:Ari:Password.");
        }
        if (url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new FormatException($"Asterisk:Ari:Url must be Asterisk's HTTP server with at most a path prefix (http.conf prefix=), without query or fragment, got '{url.GetLeftPart(UriPartial.Path)}…'.");
        }
        if (string.IsNullOrWhiteSpace(ari.User)) throw new FormatException("Asterisk:Ari:User must name the ari.conf user.");
        if (string.IsNullOrWhiteSpace(ari.App)) throw new FormatException("Asterisk:Ari:App must name the Stasis application (e.g. ivr).");
        if (ari.RequestTimeout <= TimeSpan.Zero) throw new FormatException("Asterisk:Ari:RequestTimeout must be positive.");
        IPAddress? rtpAddress = null;
        if (!string.IsNullOrWhiteSpace(ari.RtpAddress) && !IPAddress.TryParse(ari.RtpAddress, out rtpAddress))
        {
            throw new FormatException($"Asterisk:Ari:RtpAddress must be an IP address, got '{ari.RtpAddress}'.");
        }
        rtpAddress = AriRtpTarget(url, rtpAddress, mediaAddress);
        var settings = new AriSettings(url, ari.User, ari.Password, ari.App, ari.RequestTimeout);
        services.AddSingleton(sp => new AriMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp => new AriClient(settings, sp.GetRequiredService<AriMetrics>(), sp.GetRequiredService<ILogger<AriClient>>()));
        return sp => new AgiSpeechRoute(sp.GetRequiredService<AriClient>(), rtpAddress);
    }

    // Where Asterisk sends the caller's RTP: the address the media socket binds to, which must be one Asterisk can reach.
    // A setup that could never carry audio stops the start, naming the setting, rather than leaving every call silent.
    private static IPAddress AriRtpTarget(Uri ariUrl, IPAddress? rtpAddress, string mediaAddress)
    {
        if (!IPAddress.TryParse(mediaAddress, out var bound))
        {
            throw new FormatException($"Media:Address (else Sip:Address) must be an IP address for ARI's RTP, got '{mediaAddress}'.");
        }
        var wildcard = bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any);
        if (wildcard)
        {
            return rtpAddress ?? throw new FormatException(
                $"Asterisk:Ari:RtpAddress is required when RTP binds to {bound} (Media:Address, else Sip:Address): set it to the engine's address as Asterisk reaches it.");
        }
        if (rtpAddress is not null && !rtpAddress.Equals(bound))
        {
            throw new FormatException(
                $"Asterisk:Ari:RtpAddress {rtpAddress} is not where RTP listens ({bound}, Media:Address, else Sip:Address): Asterisk would send the caller's audio nowhere. Set Media:Address to {rtpAddress}, or leave RtpAddress empty.");
        }
        var ariLocal = ariUrl.IsLoopback || (IPAddress.TryParse(ariUrl.Host.Trim('[', ']'), out var host) && IPAddress.IsLoopback(host));
        if (!ariLocal && IPAddress.IsLoopback(bound))
        {
            throw new FormatException(
                $"Asterisk:Ari:Url {ariUrl.Host} is not loopback but RTP listens on {bound} (Media:Address, else Sip:Address): Asterisk could not reach it. Set Media:Address to the engine's address as Asterisk reaches it.");
        }
        return rtpAddress ?? bound;
    }
}
