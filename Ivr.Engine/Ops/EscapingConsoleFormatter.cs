using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Ivr.Engine.Ops;

/// <summary>
/// The engine's text log line, laid out as the simple console's single line (<c>12:00:00.000 info: Category[0] => scope
/// message</c>) but with every control character in the message, the scopes and the exception escaped
/// (<see cref="LogText"/>): one event is always one line, whatever a peer put in the values it carries.
/// </summary>
public sealed class EscapingConsoleFormatter : ConsoleFormatter, IDisposable
{
    /// <summary>The formatter's name (<c>FormatterName</c> of the console logger).</summary>
    public const string FormatterName = "ivr-text";

    private readonly IDisposable? _reload;
    private readonly TimeProvider _time;
    private ConsoleFormatterOptions _options;

    /// <summary>Creates the formatter with the console's formatter options and the host's clock (the system clock without one).</summary>
    public EscapingConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options, TimeProvider? time = null)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        var options = _options;
        var line = new StringBuilder(128 + (message?.Length ?? 0));
        if (options.TimestampFormat is { } format)
        {
            var now = options.UseUtcTimestamp ? _time.GetUtcNow() : _time.GetLocalNow();
            line.Append(now.ToString(format, CultureInfo.InvariantCulture));
        }
        line.Append(LevelOf(logEntry.LogLevel)).Append(": ");
        LogText.AppendEscaped(line, logEntry.Category);
        line.Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append(']');
        if (options.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope(static (scope, sb) =>
            {
                sb.Append(" => ");
                LogText.AppendEscaped(sb, Convert.ToString(scope, CultureInfo.InvariantCulture));
            }, line);
        }
        if (!string.IsNullOrEmpty(message))
        {
            line.Append(' ');
            LogText.AppendEscaped(line, message);
        }
        if (logEntry.Exception is { } exception)
        {
            // A stack trace's own line breaks become spaces, as in the simple console's single line; anything else is escaped.
            line.Append(' ');
            LogText.AppendEscaped(line, exception.ToString().Replace(Environment.NewLine, " ", StringComparison.Ordinal));
        }
        line.Append(Environment.NewLine);
        textWriter.Write(line.ToString());
    }

    /// <inheritdoc />
    public void Dispose() => _reload?.Dispose();

    private static string LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
