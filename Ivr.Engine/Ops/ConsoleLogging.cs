using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Ivr.Engine.Ops;

/// <summary>
/// The engine's console log: one line per event, as text or as JSON (<c>Logging:Format=json</c>), scopes included. Control
/// characters a peer sent never reach the log raw: the text formatter escapes them (<see cref="EscapingConsoleFormatter"/>),
/// the JSON writer escapes them as JSON does (<c>\u0000</c>).
/// </summary>
public static class ConsoleLogging
{
    /// <summary>Replaces the providers of <paramref name="logging"/> with the console in the format of <paramref name="options"/>.</summary>
    public static ILoggingBuilder AddIvrConsole(this ILoggingBuilder logging, LogOptions options)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(options);
        logging.ClearProviders();
        // A request log line per scrape, dashboard event and status poll would drown the calls' lines.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The host logs a start-up failure with its stack trace, and serve reports it itself (one line for a busy port);
        // a faulted background service still shows, as the host's critical "stopping" line.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (IsJson(options))
        {
            // Scopes become fields of each line: a call's lines carry CallId, Flow and FlowVersion.
            return logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        logging.AddConsole(o => o.FormatterName = EscapingConsoleFormatter.FormatterName);
        return logging.AddConsoleFormatter<EscapingConsoleFormatter, ConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
    }

    /// <summary>Throws <see cref="FormatException"/> unless the format is <c>text</c> or <c>json</c>.</summary>
    public static void Validate(LogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IsJson(options) && !string.Equals(options.Format, "text", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"Logging:Format must be 'text' or 'json', not '{options.Format}'.");
    }

    private static bool IsJson(LogOptions options) => string.Equals(options.Format, "json", StringComparison.OrdinalIgnoreCase);
}
