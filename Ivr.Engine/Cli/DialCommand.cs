using System.CommandLine;
using System.Net;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Ivr.Engine.Sip.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ivr.Engine.Cli;

/// <summary>
/// <c>ivr dial sip:hotline@127.0.0.1:5060 --digits 1,2 --hangup-after 20s</c>: a test caller (see <see cref="TestCaller"/>)
/// that also prints, unless <c>--no-trace</c>, the call's path through the flow from the engine's HTTP API
/// (<c>--url</c>; by default serve's <c>http://127.0.0.1:8080</c> when the target is on loopback).
/// </summary>
public static class DialCommand
{
    /// <summary>Builds the command; <paramref name="plug"/> registers the SIP stack and media implementations.</summary>
    public static Command Build(CliConsole console, Action<IServiceCollection>? plug = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        var target = new Argument<string>("uri") { Description = "Whom to call, e.g. sip:hotline@127.0.0.1:5060" };
        var digits = new Option<string>("--digits") { Description = "DTMF keys to send, comma-separated (e.g. 1,2)", DefaultValueFactory = _ => string.Empty };
        var interval = new Option<string>("--digit-interval") { Description = "Time before each key", DefaultValueFactory = _ => "3s" };
        var hangupAfter = new Option<string>("--hangup-after") { Description = "Send BYE after this long", DefaultValueFactory = _ => "20s" };
        var ringTimeout = new Option<string>("--ring-timeout") { Description = "CANCEL when unanswered after this long", DefaultValueFactory = _ => "30s" };
        var from = new Option<string>("--from") { Description = "Caller number (From user part)", DefaultValueFactory = _ => "ivr-dial" };
        var name = new Option<string?>("--name") { Description = "Caller display name" };
        var address = new Option<string>("--address") { Description = "Local address for SIP and RTP", DefaultValueFactory = _ => "127.0.0.1" };
        var trace = new Option<bool>("--trace") { Description = "Print the call's path through the flow (steps, prompts, input, branches, outcome) from the engine's HTTP API", DefaultValueFactory = _ => true };
        var noTrace = new Option<bool>("--no-trace") { Description = "Do not ask the engine for the call's path" };
        var url = new Option<string?>("--url") { Description = $"The engine's HTTP address, for --trace (default {ServeDefaultHttp} when the target is on loopback)" };
        var token = new Option<string?>("--token") { Description = "Admin token for --url, when the engine is not on loopback (or IVR_ADMIN_TOKEN)" };

        var cmd = new Command("dial", "Call a SIP URI as a test caller: send DTMF, print what is heard")
        {
            target, digits, interval, hangupAfter, ringTimeout, from, name, address, trace, noTrace, url, token,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var error = console.Error;
            if (!SipUri.TryParse(parse.GetValue(target), out var uri))
            {
                await error.WriteLineAsync($"'{parse.GetValue(target)}' is not a SIP URI.");
                return 2;
            }
            if (!TryDuration("--digit-interval", parse.GetValue(interval), out var gap, error)
                || !TryDuration("--hangup-after", parse.GetValue(hangupAfter), out var hangup, error)
                || !TryDuration("--ring-timeout", parse.GetValue(ringTimeout), out var ring, error))
            {
                return 2;
            }
            var keys = new List<char>();
            foreach (var item in (parse.GetValue(digits) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var c in item)
                {
                    if (!"0123456789*#ABCD".Contains(char.ToUpperInvariant(c), StringComparison.Ordinal))
                    {
                        await error.WriteLineAsync($"--digits: '{c}' is not a DTMF key (0-9 * # A-D).");
                        return 2;
                    }
                    keys.Add(char.ToUpperInvariant(c));
                }
            }
            if (!IPAddress.TryParse(parse.GetValue(address), out var local))
            {
                await error.WriteLineAsync($"--address: '{parse.GetValue(address)}' is not an IP address.");
                return 2;
            }

            Uri? engine = null;
            if (parse.GetValue(trace) && !parse.GetValue(noTrace))
            {
                var given = parse.GetValue(url);
                if (given is not null && (!Uri.TryCreate(given, UriKind.Absolute, out engine) || engine.Scheme is not ("http" or "https")))
                {
                    await error.WriteLineAsync($"--url: '{given}' is not an http(s) URL.");
                    return 2;
                }
                engine ??= IsLoopback(uri.Host) ? new Uri(ServeDefaultHttp) : null;
                if (engine is null) await console.Out.WriteLineAsync($"trace: no HTTP address known for the engine at {uri.Host}; the call's path is not shown (give --url http://HOST:PORT, or --no-trace)");
            }

            var plan = new DialPlan(uri, keys, gap, hangup, parse.GetValue(from) ?? "ivr-dial", parse.GetValue(name), ring);
            var services = new ServiceCollection();
            services.AddLogging();
            plug?.Invoke(services);
            services.TryAddSingleton<ISipStackFactory, UnpluggedSipStackFactory>();
            services.TryAddSingleton<IMediaSessionFactory, UnpluggedMediaSessionFactory>();
            await using var provider = services.BuildServiceProvider();
            var transport = string.Equals(uri.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipProtocol.Tcp : SipProtocol.Udp;
            try
            {
                await using var stack = await provider.GetRequiredService<ISipStackFactory>()
                    .StartAsync(new SipStackOptions(local, 0, [transport]), new RefuseIncomingCalls(), cancellationToken);
                using var traceClient = engine is null ? null : new CallTraceClient(engine, parse.GetValue(token) ?? Environment.GetEnvironmentVariable("IVR_ADMIN_TOKEN"));
                var caller = new TestCaller(stack.UserAgent, provider.GetRequiredService<IMediaSessionFactory>(), console.Out, trace: traceClient);
                return await caller.RunAsync(plan, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return cmd;
    }

    // serve's default Http:Urls (appsettings.json), where a local engine answers unless told otherwise.
    private const string ServeDefaultHttp = "http://127.0.0.1:8080";

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static bool TryDuration(string option, string? text, out TimeSpan value, TextWriter error)
    {
        if (Durations.TryParse(text, out value)) return true;
        error.WriteLine($"{option}: '{text}' is not a duration (e.g. 20s, 500ms, 2m).");
        return false;
    }

    // The test caller takes no calls.
    private sealed class RefuseIncomingCalls : IIncomingCallHandler
    {
        public void OnIncomingCall(IInviteSession session) => session.Reject(486);
    }
}
