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
        var options = new HttpServiceOptions { BaseUrl = baseUrl, Secret = Secret, Headers = { ["X-Api-Key"] = "{secret}" } };
        tune?.Invoke(options);
        var catalog = new HttpServiceCatalog(new Dictionary<string, HttpServiceOptions> { ["crm"] = options });
        return new HttpStepClient(catalog, new HttpStepMetrics(), TimeProvider.System, NullLogger<HttpStepClient>.Instance);
    }

    private static HttpRequestEffect Get(string path, double timeout = 2) => new("lookup", "crm", HttpStepMethod.Get, path, null, TimeSpan.FromSeconds(timeout));

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
        int port;
        await using (var gone = await LoopbackCrm.StartAsync()) port = new Uri(gone.BaseUrl).Port;
        using var client = Client($"http://127.0.0.1:{port}", o => o.Retries = 0);

        var refused = await client.SendAsync(Get("/customers/1"), CancellationToken.None);
        var unknown = await client.SendAsync(Get("/customers/1") with { Service = "erp" }, CancellationToken.None);

        Assert.Equal(HttpErrors.Network, refused.Result.Error);
        Assert.Equal(HttpErrors.NoService, unknown.Result.Error);
    }

    [Fact]
    public void Service_MasksItsSecret_InUrlsAndErrors()
    {
        var service = HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "https://crm.example/api?key={secret}", Secret = Secret });

        Assert.Equal("https://crm.example/api?key=***", service.Masked(service.BaseUrl.OriginalString));
        var bad = Assert.Throws<ArgumentException>(() => HttpService.Create("crm", new HttpServiceOptions { BaseUrl = "ftp://x/{secret}", Secret = Secret }));
        Assert.Contains("Http:Services:crm:BaseUrl", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, bad.Message, StringComparison.Ordinal);
    }
}
