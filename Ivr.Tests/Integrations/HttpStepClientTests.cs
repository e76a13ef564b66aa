using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Integrations.Http;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Integrations;

/// <summary>The engine's HTTP client for <c>http</c> steps against a real Kestrel server on loopback (no telephony).</summary>
public sealed class HttpStepClientTests
{
    private const string Secret = "k3y/with+signs";

    private static HttpStepClient Client(string baseUrl, Action<HttpServiceOptions>? tune = null)
    {
        // Generous attempt and step timeouts: the machine may be loaded; tests of timeouts set their own.
        var options = new HttpServiceOptions { BaseUrl = baseUrl, Secret = Secret, Headers = { ["X-Api-Key"] = "{secret}" }, AttemptTimeout = 10 };
        tune?.Invoke(options);
        var catalog = new HttpServiceCatalog(new Dictionary<string, HttpServiceOptions> { ["crm"] = options });
        return new HttpStepClient(catalog, new HttpStepMetrics(), TimeProvider.System, NullLogger<HttpStepClient>.Instance);
    }

    private static HttpRequestEffect Get(string path, double timeout = 10) => new("lookup", "crm", HttpStepMethod.Get, path, null, TimeSpan.FromSeconds(timeout));

    [Fact]
    public async Task Get_UnderTheBasePath_SendsTheSecretHeader_AndReturnsTheBody()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        using var client = Client(crm.BaseUrl + "/");

        var answer = await client.SendAsync(Get("/customers/a%2Fb%20c"), CancellationToken.None);

        Assert.Equal(200, answer.Result.Status);
        Assert.Contains("\"name\":\"Ada Lovelace\"", answer.Result.Body, StringComparison.Ordinal);
        var (path, headers) = Assert.Single(crm.Requests);
        Assert.Equal("/customers/a%2Fb%20c", path);
        Assert.Equal(Secret, headers["X-Api-Key"]);
        Assert.Equal(1, client.Metrics.Requests.Get("crm", "ok"));
    }

    [Fact]
    public async Task Get_On500_IsRetriedOnce_ButPost_IsNeverRetried()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.ServerError;
        using var client = Client(crm.BaseUrl);

        var get = await client.SendAsync(Get("/customers/1"), CancellationToken.None);
        var post = await client.SendAsync(new HttpRequestEffect("note", "crm", HttpStepMethod.Post, "/notes", """{"account":"1"}""", TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.Equal((500, 500), (get.Result.Status, post.Result.Status));
        Assert.Equal(3, crm.Requests.Count);
        Assert.Equal("""{"account":"1"}""", Assert.Single(crm.Posted));
        Assert.Equal(2, client.Metrics.Requests.Get("crm", HttpErrors.Status));
    }

    [Fact]
    public async Task StalledServer_IsATimeout_AtTheStepsTimeout()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.Stall;
        using var client = Client(crm.BaseUrl);

        var answer = await client.SendAsync(Get("/customers/1", timeout: 0.3), CancellationToken.None);

        Assert.Equal(HttpErrors.Timeout, answer.Result.Error);
        Assert.InRange(answer.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task NothingListening_IsANetworkError_AndUnknownService_IsNoService()
    {
        // A port held by a socket that is bound but never listens: connections to it are refused, and no one else can take it.
        using var held = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        held.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = Client($"http://127.0.0.1:{((IPEndPoint)held.LocalEndPoint!).Port}", o => o.Retries = 0);

        var refused = await client.SendAsync(Get("/customers/1"), CancellationToken.None);
        var unknown = await client.SendAsync(Get("/customers/1") with { Service = "erp" }, CancellationToken.None);

        Assert.Equal(HttpErrors.Network, refused.Result.Error);
        Assert.Equal(HttpErrors.NoService, unknown.Result.Error);
        Assert.Equal(1, client.Metrics.Requests.Get("crm", HttpErrors.Network));
    }

    [Theory]
    [InlineData("/customers/../orders")]
    [InlineData("/customers/./1")]
    [InlineData("/customers/%2E%2E/orders")]
    [InlineData("/../../admin")]
    [InlineData("/customers/1#frag")]
    public async Task PathThatIsNotTheBasePathFollowedByTheStepsPath_IsBadPath_AndNothingIsSent(string path)
    {
        await using var crm = await LoopbackCrm.StartAsync();
        using var client = Client(crm.BaseUrl + "/api");

        var answer = await client.SendAsync(Get(path), CancellationToken.None);

        Assert.Equal(HttpErrors.BadPath, answer.Result.Error);
        Assert.Empty(crm.Requests);
        Assert.Equal(1, client.Metrics.Requests.Get("crm", HttpErrors.BadPath));
    }

    [Fact]
    public async Task BaseUrlWithAQuery_KeepsItsParameters_AndAppendsTheStepsWithAnAmpersand_MaskedWhenShown()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        using var client = Client(crm.BaseUrl + "/api?key={secret}&v=2");

        var answer = await client.SendAsync(Get("/customers/7?source=ivr"), CancellationToken.None);

        Assert.Equal(200, answer.Result.Status);
        var (path, _) = Assert.Single(crm.Requests);
        Assert.Equal($"/api/customers/7?key={Uri.EscapeDataString(Secret)}&v=2&source=ivr", path);
        Assert.Equal($"{crm.BaseUrl}/api/customers/7?key=***&v=***&source=***", answer.Url);
        Assert.DoesNotContain(Uri.EscapeDataString(Secret), answer.Url, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void BaseUrlWithUserInfo_IsRefusedAtStart_NamingTheSetting_WithTheSecretMasked()
    {
        var bad = Assert.Throws<ArgumentException>(() => HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "https://bot:{secret}@crm.example/api", Secret = Secret }));
        var raw = Assert.Throws<ArgumentException>(() => HttpService.Create("crm", new HttpServiceOptions { BaseUrl = $"https://bot:{Uri.EscapeDataString(Secret)}@crm.example/api", Secret = Secret }));

        foreach (var e in new[] { bad, raw })
        {
            Assert.Contains("Http:Services:crm:BaseUrl must not hold user info", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(Secret), e.Message, StringComparison.OrdinalIgnoreCase);
        }
        var ok = HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "https://crm.example:8443/api?key={secret}", Secret = Secret });
        Assert.Equal("https://crm.example:8443", ok.HostKey);
    }

    [Fact]
    public async Task CallEnded_CancelsTheRequest_WhichIsNotAFailureOfTheHost()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.Stall;
        using var client = Client(crm.BaseUrl, o => (o.Retries, o.BreakerMinimumThroughput, o.BreakerFailureRatio) = (0, 2, 1));

        for (var i = 1; i <= 3; i++)
        {
            using var hangup = new CancellationTokenSource();
            var pending = client.SendAsync(Get("/customers/1", timeout: 30), hangup.Token);
            await WaitUntilAsync(() => crm.Requests.Count == i);
            await hangup.CancelAsync();
            var cancelled = await pending.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(HttpErrors.Cancelled, cancelled.Result.Error);
        }
        crm.Mode = LoopbackCrm.Answer.Customer;
        var answer = await client.SendAsync(Get("/customers/1"), CancellationToken.None);

        Assert.Equal(200, answer.Result.Status);
        Assert.Equal(3, client.Metrics.Requests.Get("crm", HttpErrors.Cancelled));
    }

    [Fact]
    public async Task StepsShortTimeout_DoesNotOpenTheBreaker_ButAttemptsPastAttemptTimeout_Do()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.Stall;
        using var patient = Client(crm.BaseUrl, o => (o.Retries, o.BreakerMinimumThroughput, o.BreakerFailureRatio, o.AttemptTimeout) = (0, 2, 1, 10));

        for (var i = 0; i < 3; i++) Assert.Equal(HttpErrors.Timeout, (await patient.SendAsync(Get("/customers/1", timeout: 0.2), CancellationToken.None)).Result.Error);
        crm.Mode = LoopbackCrm.Answer.Customer;
        Assert.Equal(200, (await patient.SendAsync(Get("/customers/1"), CancellationToken.None)).Result.Status);

        crm.Mode = LoopbackCrm.Answer.Stall;
        using var strict = Client(crm.BaseUrl, o => (o.Retries, o.BreakerMinimumThroughput, o.BreakerFailureRatio, o.AttemptTimeout) = (0, 2, 1, 0.2));
        for (var i = 0; i < 2; i++) Assert.Equal(HttpErrors.Timeout, (await strict.SendAsync(Get("/customers/1", timeout: 10), CancellationToken.None)).Result.Error);
        crm.Mode = LoopbackCrm.Answer.Customer;
        Assert.Equal(HttpErrors.BreakerOpen, (await strict.SendAsync(Get("/customers/1"), CancellationToken.None)).Result.Error);
    }

    [Fact]
    public async Task ServicesOnOneHost_RetryByTheirOwnSettings_AndDifferingBreakerSettingsAreRefused()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = LoopbackCrm.Answer.ServerError;
        var catalog = new HttpServiceCatalog(new Dictionary<string, HttpServiceOptions>
        {
            ["once"] = new() { BaseUrl = crm.BaseUrl, Retries = 0, AttemptTimeout = 10 },
            ["thrice"] = new() { BaseUrl = crm.BaseUrl + "/api", Retries = 2, RetryDelayMs = 10, AttemptTimeout = 10 },
        });
        using var client = new HttpStepClient(catalog, new HttpStepMetrics(), TimeProvider.System, NullLogger<HttpStepClient>.Instance);

        await client.SendAsync(Get("/customers/1") with { Service = "once" }, CancellationToken.None);
        Assert.Single(crm.Requests);
        await client.SendAsync(Get("/customers/1") with { Service = "thrice" }, CancellationToken.None);
        Assert.Equal(4, crm.Requests.Count);

        var differ = Assert.Throws<ArgumentException>(() => new HttpServiceCatalog(new Dictionary<string, HttpServiceOptions>
        {
            ["a"] = new() { BaseUrl = "http://127.0.0.1:9/a" },
            ["b"] = new() { BaseUrl = "http://127.0.0.1:9/b", BreakerSeconds = 5 },
        }));
        Assert.Contains("Http:Services:a and Http:Services:b are on one host", differ.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Big", true, "bad-json", 0)]
    [InlineData("Big", false, null, 200)]
    [InlineData("BigError", true, null, 500)]
    [InlineData("BadGzip", true, "bad-json", 0)]
    [InlineData("CutBody", true, "network", 0)]
    public async Task Bodies_AreReadOnlyForA2xxTheStepMaps_WithinMaxResponseBytes_AndBrokenOnesAreFailures(string mode, bool reads, string? error, int status)
    {
        await using var crm = await LoopbackCrm.StartAsync();
        crm.Mode = Enum.Parse<LoopbackCrm.Answer>(mode);
        using var client = Client(crm.BaseUrl, o => o.Retries = 0);

        var answer = await client.SendAsync(Get("/customers/1") with { ReadsAnswer = reads }, CancellationToken.None);

        Assert.Equal((error, status), (answer.Result.Error, answer.Result.Status));
        Assert.Equal(1, client.Metrics.Requests.Get("crm", error ?? (status == 200 ? "ok" : HttpErrors.Status)));
    }

    [Fact]
    public async Task ContentTypeInTheServicesHeaders_IsTheContentTypeOfAPost()
    {
        await using var crm = await LoopbackCrm.StartAsync();
        using var client = Client(crm.BaseUrl, o => o.Headers["Content-Type"] = "application/vnd.crm+json");

        await client.SendAsync(new HttpRequestEffect("note", "crm", HttpStepMethod.Post, "/notes", """{"account":"1"}""", TimeSpan.FromSeconds(5)), CancellationToken.None);

        var (_, headers) = Assert.Single(crm.Requests);
        Assert.Equal("application/vnd.crm+json", headers["Content-Type"]);
        Assert.Throws<ArgumentException>(() => HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "http://x", Headers = { ["Content-Type"] = "not a type" } }));
    }

    [Fact]
    public void Service_MasksItsSecret_InUrlsAndErrors()
    {
        var service = HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "https://crm.example/{secret}/api?key={secret}", Secret = Secret });

        Assert.Equal("https://crm.example/***/api/customers/4?key=***&q=***", service.Shown("/customers/4?q=1"));
        Assert.Equal($"/{Uri.EscapeDataString(Secret)}/api/customers/4?key={Uri.EscapeDataString(Secret)}", service.Resolve("/customers/4")!.PathAndQuery);
        Assert.Equal("at *** and ***", service.Masked($"at {Secret} and {Uri.EscapeDataString(Secret).ToLowerInvariant()}"));
        var bad = Assert.Throws<ArgumentException>(() => HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "ftp://x/{secret}", Secret = Secret }));
        Assert.Contains("Http:Services:crm:BaseUrl", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, bad.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), "the server did not see the request within 20 s");
    }
}
