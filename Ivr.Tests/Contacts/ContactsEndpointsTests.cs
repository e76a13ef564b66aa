using System.Net;

namespace Ivr.Tests.Contacts;

/// <summary>The contact-history HTTP API: who may read it, and what bad queries get.</summary>
public sealed class ContactsEndpointsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly ContactsApiHost _host = new();

    public async Task InitializeAsync() => await _host.StartAsync(Now);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/contacts/%2B15551234567")]
    [InlineData("/api/reports/repeat-contacts?days=7")]
    public async Task Read_FromARemoteClientWithoutTheToken_Is403(string path)
    {
        using var denied = await _host.GetAsync(path, remote: true);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("admin token", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrong = await _host.GetAsync(path, remote: true, token: "not-the-token");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
    }

    [Theory]
    [InlineData("/api/contacts/%2B15551234567")]
    [InlineData("/api/reports/repeat-contacts?days=7")]
    public async Task Read_WithTheTokenOrFromLoopback_Is200(string path)
    {
        using var withToken = await _host.GetAsync(path, remote: true, token: ContactsApiHost.Token);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        using var local = await _host.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Theory]
    [InlineData("/api/contacts/%2B331?hours=NaN", "'hours'")]
    [InlineData("/api/contacts/%2B331?hours=Infinity", "'hours'")]
    [InlineData("/api/contacts/%2B331?hours=-1", "'hours'")]
    [InlineData("/api/reports/repeat-contacts?to=0001-01-01", "'to'")]
    [InlineData("/api/reports/repeat-contacts?from=0001-01-01", "'from'")]
    [InlineData("/api/reports/repeat-contacts?to=9999-12-31", "'to'")]
    [InlineData("/api/reports/repeat-contacts?to=2026-12-01&days=100000", "'days'")]
    public async Task Read_BadQuery_Is400WithAClearMessage(string path, string named)
    {
        using var response = await _host.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The endpoint keeps serving.
        using var after = await _host.GetAsync("/api/contacts/%2B331?hours=1");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
