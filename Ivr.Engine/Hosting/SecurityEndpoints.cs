using System.Text.Json;
using Ivr.Engine.Ops;
using Ivr.Engine.Sip.Stack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Hosting;

/// <summary>
/// <c>GET /api/security/bans</c>: the SIP sources banned now by the per-source limits (source, reason, since, until, count,
/// packets refused), with the totals. Read access as the rest of <c>/api</c> (<see cref="OpsAccess"/>).
/// <c>DELETE /api/security/bans/{source}</c> lifts one ban (an IP address, or an IPv6 /64 as the list shows it); admin
/// access, like <c>POST /api/drain</c>.
/// </summary>
public static class SecurityEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the endpoint on <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.ServiceProvider.GetRequiredService<OpsAccess>();
        app.MapGet("/api/security/bans", (HttpContext context, SipStackService sip) =>
        {
            if (access.CheckRead(context) is { } denied) return denied;
            if (sip.SourceGuard is not { } guard)
            {
                return Results.Json(new { error = "the SIP stack is not running" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var counters = sip.SipCounters;
            return Results.Json(
                new BansView(guard.Limits.Enabled, guard.Tracked, counters?.SourceBans ?? 0, counters?.SourceDropped ?? 0, counters?.SourceRefused ?? 0, guard.Bans()),
                Json);
        });
        app.MapDelete("/api/security/bans/{source}", (HttpContext context, string source, SipStackService sip) =>
        {
            if (access.CheckAdmin(context) is { } denied) return denied;
            if (sip.SourceGuard is not { } guard)
            {
                return Results.Json(new { error = "the SIP stack is not running" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            if (!System.Net.IPAddress.TryParse(Uri.UnescapeDataString(source).Split('/')[0], out var address))
            {
                return Results.Json(new { error = $"'{source}' is not an IP address" }, Json, statusCode: StatusCodes.Status400BadRequest);
            }
            return guard.Lift(address)
                ? Results.Json(new { lifted = source }, Json)
                : Results.Json(new { error = $"{source} is not banned" }, Json, statusCode: StatusCodes.Status404NotFound);
        });
        return app;
    }

    private sealed record BansView(bool Enabled, int SourcesTracked, long BansTotal, long Dropped, long Refused, IReadOnlyList<SipSourceBan> Bans);
}
