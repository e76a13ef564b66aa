using System.Text.Json;
using Ivr.Engine.Ops;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Ivr.Tests.Ops;

/// <summary>The engine's console log (as <see cref="ConsoleLogging.AddIvrConsole"/> sets it up) never writes a raw control character.</summary>
public class EscapingConsoleFormatterTests
{
    private const string Hostile = "got 'a\0b\u001b[2J\u001b]0;owned\u0007\r\nfake: line\u2028\u202Eevil'";

    private static string Format(string format, Exception? exception = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddIvrConsole(new LogOptions { Format = format }));
        using var provider = services.BuildServiceProvider();
        var name = format == "json" ? ConsoleFormatterNames.Json : EscapingConsoleFormatter.FormatterName;
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push("Call-ID evil\u001b[31m@host");
        using var text = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Ivr.Engine.Calls.CallManager", new EventId(0), "Call rejected with 488: " + Hostile, exception, (s, _) => s);
        formatter.Write(in entry, scopes, text);
        return text.ToString();
    }

    [Fact]
    public void Text_ControlCharactersInMessageScopeAndException_AreEscaped_OneLine()
    {
        var line = Format("text", new FormatException("bad \u001b[0m header\0"));

        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        var body = line[..^Environment.NewLine.Length];
        Assert.DoesNotContain(body, LogText.NeedsEscape);
        Assert.Contains(" info: Ivr.Engine.Calls.CallManager[0] => Call-ID evil\\x1B[31m@host Call rejected with 488: got 'a\\x00b\\x1B[2J\\x1B]0;owned\\x07\\x0D\\x0Afake: line\\u2028\\u202Eevil'", body, StringComparison.Ordinal);
        Assert.Contains("System.FormatException: bad \\x1B[0m header\\x00", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_PlainMessage_IsTheSimpleConsoleSingleLine()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddIvrConsole(new LogOptions()));
        using var provider = services.BuildServiceProvider();
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == EscapingConsoleFormatter.FormatterName);
        using var text = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Warning, "Ivr.Engine.Sip.Stack.SipSourceGuard", new EventId(3), "SIP source 127.0.0.2 banned", null, (s, _) => s);

        formatter.Write(in entry, new LoggerExternalScopeProvider(), text);

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d warn: Ivr\.Engine\.Sip\.Stack\.SipSourceGuard\[3\] SIP source 127\.0\.0\.2 banned\r?\n$", text.ToString());
    }

    [Fact]
    public void Json_ControlCharacters_AreJsonEscaped()
    {
        var line = Format("json").TrimEnd('\r', '\n');

        Assert.DoesNotContain(line, char.IsControl);
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("Call rejected with 488: " + Hostile, doc.RootElement.GetProperty("Message").GetString());
    }

    [Fact]
    public void Escape_LeavesPlainTextAlone()
    {
        const string plain = "Call a84b4c76e66710@pc33.atlanta.com from sip:alice@example.com — ünïcode";

        Assert.Same(plain, LogText.Escape(plain));
        Assert.Equal("a\\x00b", LogText.Escape("a\0b"));
    }
}
