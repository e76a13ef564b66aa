using System.Reflection;
using System.Text.Json;
using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Flows.Catalog;
using Ivr.Flows.Graph;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Ops;

/// <summary>
/// The ops HTTP surface: Prometheus <c>/metrics</c>, the JSON API under <c>/api</c> (status, calls and timelines, flows,
/// drain), server-sent events for the dashboard and the dashboard itself at <c>/</c>. See docs/ops.md.
/// </summary>
public static class OpsEndpoints
{
    private const string ResourcePrefix = "dashboard/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the endpoints on <paramref name="app"/> (needs <see cref="OpsServiceCollectionExtensions.AddIvrOps"/>).</summary>
    public static IEndpointRouteBuilder MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.ServiceProvider.GetRequiredService<OpsAccess>();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use(async (context, next) =>
        {
            if (access.CheckRead(context) is { } denied)
            {
                await denied.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        }), optionsName: null);

        var site = app.MapGroup("/").AddEndpointFilter((context, next) =>
            access.CheckRead(context.HttpContext) is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        site.MapGet("/", () => Asset("index.html"));
        site.MapGet("/dashboard/{file}", (string file) => Asset(file));

        var read = app.MapGroup("/api").AddEndpointFilter((context, next) =>
            access.CheckRead(context.HttpContext) is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        read.MapGet("/status", async (OpsStatusSource status, CancellationToken ct) => Results.Json(await status.ReadAsync(ct).ConfigureAwait(false), Json));
        read.MapGet("/history", (OpsSampler sampler) => Results.Json(sampler.History(), Json));
        read.MapGet("/events", StreamEventsAsync);
        read.MapGet("/calls", (CallOps ops) => Results.Json(ops.Board.Live(), Json));
        read.MapGet("/calls/recent", (CallOps ops) => Results.Json(ops.Board.Recent(), Json));
        read.MapGet("/calls/{callId}", (string callId, CallOps ops) => ops.Board.Find(callId) is { } timeline
            ? Results.Json(new CallTimelineView(timeline.Summary, timeline.Entries(), timeline.Dropped) { AgentContext = timeline.AgentContext }, Json)
            : Results.Json(new { error = $"no live or recent call '{callId}'" }, Json, statusCode: StatusCodes.Status404NotFound));
        read.MapGet("/flows", (LiveFlows flows, FlowVersionLog versions, CallOps ops) =>
            Results.Json(flows.Catalog.Current.Flows.Values.OrderBy(e => e.Flow.Id, StringComparer.Ordinal).Select(e => FlowView(e, versions, ops)).ToList(), Json));
        read.MapGet("/flows/{id}", (string id, LiveFlows flows, FlowVersionLog versions, CallOps ops) =>
            flows.Catalog.Current.Flows.TryGetValue(id, out var entry)
                ? Results.Json(new FlowDetail(FlowView(entry, versions, ops), entry.Flow.Steps.Select(s => new FlowStepView(s.Name, s.Kind, ops.Flows.StepVisits.Get(id, s.Name))).ToList()), Json)
                : UnknownFlow(id));
        read.MapGet("/flows/{id}/graph.svg", (string id, LiveFlows flows) => flows.Find(id) is { } flow ? Results.Text(SvgFlowGraph.Render(flow), "image/svg+xml") : UnknownFlow(id));
        read.MapGet("/flows/{id}/graph.json", (string id, LiveFlows flows) => flows.Find(id) is { } flow ? Results.Json(FlowGraphView.Of(flow), Json) : UnknownFlow(id));
        read.MapGet("/flows/{id}/graph.mmd", (string id, LiveFlows flows) => flows.Find(id) is { } flow ? Results.Text(FlowGraph.ToMermaid(flow), "text/plain") : UnknownFlow(id));
        read.MapGet("/flows/{id}/graph.dot", (string id, LiveFlows flows) => flows.Find(id) is { } flow ? Results.Text(FlowGraph.ToDot(flow), "text/vnd.graphviz") : UnknownFlow(id));

        var admin = app.MapGroup("/api").AddEndpointFilter((context, next) =>
            access.CheckAdmin(context.HttpContext) is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        admin.MapPost("/drain", DrainAsync);
        admin.MapPost("/flows/reload", (LiveFlows flows) =>
        {
            CatalogReloadReport? report = null;
            void Capture(CatalogReloadReport r) => report = r;
            flows.Reloaded += Capture;
            try
            {
                flows.Reload();
            }
            finally
            {
                flows.Reloaded -= Capture;
            }
            return report is null
                ? Results.Json(new { error = "reload failed; the live flows are unchanged (see the log)" }, Json, statusCode: StatusCodes.Status500InternalServerError)
                : Results.Json(new ReloadView(report.Added, report.Updated, report.Removed, report.Refused.Select(r => new RefusalView(r.File, r.FlowId, r.Diagnostics.Select(d => d.ToString()).ToList())).ToList()), Json);
        });
        return app;
    }

    private static async Task<IResult> DrainAsync(IEngineNode sip, CancellationToken ct)
    {
        if (sip.Manager is not { } manager)
            return Results.Json(new { error = "the call manager is not running" }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
        // The drain's completion notice goes nowhere: this request answers at once, /readyz and the dashboard follow it.
        manager.Tell(new Drain(), ActorRefs.Nobody);
        var live = await manager.Ask<LiveCallsResult>(GetLiveCalls.Instance, TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        return Results.Json(new DrainView(live.Draining, live.Live), Json, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task StreamEventsAsync(HttpContext context, OpsSampler sampler, CallOps ops, TimeProvider time)
    {
        var ct = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.WriteAsync(": ivr status stream\n\n", ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        using var timer = new PeriodicTimer(OpsSampler.Period, time);
        DateTimeOffset? sent = null;
        try
        {
            do
            {
                if (sampler.Latest is not { } report || report.At == sent) continue;
                sent = report.At;
                var payload = new DashboardEvent(report, ops.Board.Live().Take(50).ToList(), ops.Board.Recent().Take(15).ToList());
                await context.Response.WriteAsync("event: status\ndata: " + JsonSerializer.Serialize(payload, Json) + "\n\n", ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static FlowView FlowView(CatalogEntry entry, FlowVersionLog versions, CallOps ops) => new(
        entry.Flow.Id,
        entry.Flow.Version,
        Path.GetFileName(entry.File),
        entry.LoadedAt,
        entry.Flow.Steps.Count,
        entry.Flow.Start.Name,
        ops.Flows.Calls.Snapshot().Where(c => c.First == entry.Flow.Id).Sum(c => c.Count),
        entry.Diagnostics.Count,
        versions.Versions(entry.Flow.Id));

    private static IResult UnknownFlow(string id) =>
        Results.Json(new { error = $"no flow '{id}' is loaded" }, Json, statusCode: StatusCodes.Status404NotFound);

    private static IResult Asset(string file)
    {
        var stream = typeof(OpsEndpoints).Assembly.GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null) return Results.NotFound();
        var type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    /// <summary>The names of the dashboard's files (embedded from <c>Ivr.Engine/Ops/Dashboard/</c>).</summary>
    public static IReadOnlyList<string> Assets() =>
        typeof(OpsEndpoints).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Select(n => n[ResourcePrefix.Length..]).ToList();
}

/// <summary>One server-sent event of the dashboard.</summary>
/// <param name="Status">The figures.</param>
/// <param name="Calls">Up to 50 live calls, oldest first.</param>
/// <param name="Recent">Up to 15 recently ended calls, newest first.</param>
public sealed record DashboardEvent(StatusReport Status, IReadOnlyList<CallSummary> Calls, IReadOnlyList<CallSummary> Recent);

/// <summary>A call and its timeline.</summary>
/// <param name="Call">The call.</param>
/// <param name="Timeline">Its events, oldest first.</param>
/// <param name="Dropped">Events not kept (the timeline was full).</param>
public sealed record CallTimelineView(CallSummary Call, IReadOnlyList<TimelineEntry> Timeline, int Dropped)
{
    /// <summary>What the agent is (or would be) shown of the call, null before it is queued (docs/integrations.md, "Context to the agent").</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Integrations.ScreenPop.AgentContextJsonConverter))]
    public Integrations.ScreenPop.AgentContext? AgentContext { get; init; }
}

/// <summary>A loaded flow.</summary>
/// <param name="Id">Flow id.</param>
/// <param name="Version">Live version.</param>
/// <param name="File">File name in the flow folder.</param>
/// <param name="LoadedAt">When this version went live.</param>
/// <param name="Steps">Number of steps.</param>
/// <param name="Start">Start step.</param>
/// <param name="Calls">Calls that started this flow since the engine started (all versions).</param>
/// <param name="Warnings">Lint warnings of the live version.</param>
/// <param name="Versions">Versions that went live while the engine ran.</param>
public sealed record FlowView(string Id, string Version, string File, DateTimeOffset LoadedAt, int Steps, string Start, long Calls, int Warnings, IReadOnlyList<FlowVersionEntry> Versions);

/// <summary>A flow with its steps.</summary>
/// <param name="Flow">The flow.</param>
/// <param name="Steps">Its steps in file order, with visits since start.</param>
public sealed record FlowDetail(FlowView Flow, IReadOnlyList<FlowStepView> Steps);

/// <summary>One step of a flow.</summary>
/// <param name="Name">Step name.</param>
/// <param name="Kind">Step kind.</param>
/// <param name="Visits">Times calls entered it since start.</param>
public sealed record FlowStepView(string Name, string Kind, long Visits);

/// <summary>What a reload did.</summary>
/// <param name="Added">Flows added.</param>
/// <param name="Updated">Flows with a new live version.</param>
/// <param name="Removed">Flows removed.</param>
/// <param name="Refused">Files refused, with their diagnostics.</param>
public sealed record ReloadView(IReadOnlyList<string> Added, IReadOnlyList<string> Updated, IReadOnlyList<string> Removed, IReadOnlyList<RefusalView> Refused);

/// <summary>A refused flow file.</summary>
/// <param name="File">The file.</param>
/// <param name="FlowId">Its flow id when known.</param>
/// <param name="Diagnostics">Why, one line each.</param>
public sealed record RefusalView(string File, string? FlowId, IReadOnlyList<string> Diagnostics);

/// <summary>The answer to a drain.</summary>
/// <param name="Draining">True: new INVITEs get 503.</param>
/// <param name="Live">Calls still live.</param>
public sealed record DrainView(bool Draining, int Live);
