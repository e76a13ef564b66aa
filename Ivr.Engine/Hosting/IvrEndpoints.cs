using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Routing.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ivr.Engine.Hosting;

/// <summary>The engine's HTTP endpoints: <c>/healthz</c> (the process is up) and <c>/readyz</c> (SIP runs and the node takes calls).</summary>
public static class IvrEndpoints
{
    /// <summary>Maps the endpoints on <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapIvrEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (SipStackService sip, CancellationToken ct) =>
        {
            if (!sip.IsReady || sip.Manager is not { } manager) return Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            var live = await manager.Ask<LiveCallsResult>(GetLiveCalls.Instance, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            return live.Draining
                ? Results.Text("draining\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text($"ready: {live.Live} live calls\n");
        });
        app.MapRoutingEndpoints();
        return app;
    }
}
