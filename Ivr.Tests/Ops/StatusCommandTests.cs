using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Tests.Calls;
using Ivr.Tests.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Tests.Ops;

/// <summary><c>ivr status</c> against a real engine host: the table, the JSON, and clear errors for a bad address.</summary>
public class StatusCommandTests
{
    [Fact]
    public async Task OnceTable_ShowsTheNodeCallsAndEveryLoadedFlow()
    {
        await using var host = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISipStackFactory>(new InProcessSipStack());
            services.AddSingleton<IMediaSessionFactory>(new InProcessMediaFactory());
        });

        var result = await CliRunner.Run("status", "--once", "--url", host.Http.BaseAddress!.ToString());

        Assert.True(result.Code == 0, result.All);
        var lines = result.Out.Split('\n');
        Assert.Contains("ready", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Calls   active 0  started 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("flow ", StringComparison.Ordinal) && l.Contains("abandoned", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hotline ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("collect-account ", StringComparison.Ordinal));
        Assert.Contains("(no router: no skills)", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadOrUnreachableUrl_IsAClearError()
    {
        var notUrl = await CliRunner.Run("status", "--once", "--url", "localhost:8080");
        var nobody = await CliRunner.Run("status", "--once", "--url", "http://127.0.0.1:1");
        var badFormat = await CliRunner.Run("status", "--once", "--format", "xml");

        Assert.Equal(2, notUrl.Code);
        Assert.Contains("is not an http(s) URL", notUrl.Error, StringComparison.Ordinal);
        Assert.Equal(1, nobody.Code);
        Assert.Contains("Cannot read the status of http://127.0.0.1:1/", nobody.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, badFormat.Code);
        Assert.Contains("xml", badFormat.All, StringComparison.Ordinal);
    }
}
