using System.Text.Json;
using Ivr.Engine.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Ivr.Tests.Calls;

/// <summary>A call's log scope through the real console formatters: readable as text, structured as JSON.</summary>
public class CallLogScopeTests
{
    private static string Format(string formatterName, Action<ILoggingBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(configure);
        using var provider = services.BuildServiceProvider();
        var formatter = provider.GetServices<ConsoleFormatter>().Single(f => f.Name == formatterName);
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new CallLogScope("a84b4c76e66710@pc33.atlanta.com", "hotline", "1.2.0"));
        using var text = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Ivr.Engine.Calls.CallActor", new EventId(0), "Call ended: caller-hangup", null, (s, _) => s);
        formatter.Write(in entry, scopes, text);
        return text.ToString();
    }

    [Fact]
    public void SimpleConsole_PrintsCallIdAndFlowReadably()
    {
        var line = Format(ConsoleFormatterNames.Simple, b => b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.IncludeScopes = true;
        }));

        Assert.Contains("=> CallId=a84b4c76e66710@pc33.atlanta.com Flow=hotline@1.2.0 Call ended: caller-hangup", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Dictionary", line, StringComparison.Ordinal);
        Assert.DoesNotContain("CallLogScope", line, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonConsole_KeepsTheScopeStructured()
    {
        var json = Format(ConsoleFormatterNames.Json, b => b.AddJsonConsole(o => o.IncludeScopes = true));

        using var doc = JsonDocument.Parse(json);
        var scope = doc.RootElement.GetProperty("Scopes")[0];
        Assert.Equal("a84b4c76e66710@pc33.atlanta.com", scope.GetProperty("CallId").GetString());
        Assert.Equal("hotline", scope.GetProperty("Flow").GetString());
        Assert.Equal("1.2.0", scope.GetProperty("FlowVersion").GetString());
        Assert.Equal("CallId=a84b4c76e66710@pc33.atlanta.com Flow=hotline@1.2.0", scope.GetProperty("Message").GetString());
    }

    [Fact]
    public void Scope_IsAReadOnlyListOfItsProperties()
    {
        var scope = new CallLogScope("c1", "sales", "2.0.0");

        Assert.Equal(3, scope.Count);
        Assert.Equal(new KeyValuePair<string, object?>("CallId", "c1"), scope[0]);
        Assert.Equal(["CallId", "Flow", "FlowVersion"], scope.Select(p => p.Key));
        Assert.Throws<ArgumentOutOfRangeException>(() => scope[3]);
    }
}
