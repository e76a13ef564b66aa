using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Contacts;
using Ivr.Engine.Ops;
using Ivr.Engine.Routing.Http;
using Ivr.Engine.Surveys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Hosting;

/// <summary>
/// The engine's HTTP endpoints: <c>/healthz</c> (the process is up), <c>/readyz</c> (SIP bound, flows loaded, not draining)
/// and the ops surface (<c>/metrics</c>, <c>/api/…</c>, the dashboard at <c>/</c>, see <see cref="OpsEndpoints"/>).
/// </summary>
public static class IvrEndpoints
{
    /// <summary>Maps the endpoints on <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapIvrEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapOpsEndpoints();
        app.MapSecurityEndpoints();
        app.MapGet("/readyz", async (SipStackService sip, Flows.LiveFlows flows, CancellationToken ct) =>
        {
            if (sip.IsDraining) return Results.Text("draining\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            if (!sip.IsReady || sip.Manager is not { } manager) return Results.Text("not ready\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            if (flows.Ids.Count == 0) return Results.Text("no flows loaded\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            var live = await manager.Ask<LiveCallsResult>(GetLiveCalls.Instance, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            return live.Draining
                ? Results.Text("draining\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text($"ready: {live.Live} live calls\n");
        });
        var options = app.ServiceProvider.GetRequiredService<EngineOptions>();
        app.MapRoutingEndpoints(() => options.Routing.AdminToken);
        app.MapContactsEndpoints(app.ServiceProvider.GetRequiredService<Events.EventStores>().ContactsAsync, app.ServiceProvider.GetRequiredService<TimeProvider>());
        app.MapSurveysEndpoints(app.ServiceProvider.GetRequiredService<Surveys.SurveyStores>().StoreAsync, app.ServiceProvider.GetRequiredService<TimeProvider>());
        return app;
    }
}
