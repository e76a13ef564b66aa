using Akka.Hosting;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Tests.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Hosting;

/// <summary>The SIP hosted service's start-up guard, read through the media seam (no concrete factory type).</summary>
public class SipStackServiceTests
{
    [Fact]
    public async Task StartAsync_MediaFactoryUnavailable_RefusesToStartTheStackAndSaysWhy()
    {
        var stack = new InProcessSipStack();
        await using var provider = new ServiceCollection().BuildServiceProvider();
        var service = new SipStackService(EngineOptions.Load(), stack, new UnpluggedMediaSessionFactory(), new ActorRegistry(), provider, NullLogger<SipStackService>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartAsync(CancellationToken.None));

        Assert.Contains("No RTP media is plugged in", error.Message, StringComparison.Ordinal);
        Assert.Equal((false, null), (service.IsReady, stack.Options));
    }

    [Fact]
    public void Unavailable_IsNullForFactoriesThatCanReserve()
    {
        using var rtp = new RtpMediaSessionFactory(new MediaOptions(), "127.0.0.1", TimeProvider.System);
        IMediaSessionFactory inProcess = new InProcessMediaFactory();

        Assert.Null(((IMediaSessionFactory)rtp).Unavailable);
        Assert.Null(inProcess.Unavailable);
        Assert.NotNull(((IMediaSessionFactory)new UnpluggedMediaSessionFactory()).Unavailable);
    }
}
