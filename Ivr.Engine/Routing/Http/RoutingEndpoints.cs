using Akka.Actor;
using Akka.Hosting;
using Ivr.Engine.Routing.Live;
using Ivr.Flows.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ivr.Engine.Routing.Http;

/// <summary>
/// The router's HTTP API (JSON; see <c>docs/routing-callbacks.md</c>, "HTTP API"): queues, agents (list, set state, replace the file),
/// callbacks and messages (list, fetch the WAV). Writes need <c>Authorization: Bearer TOKEN</c> when the admin token
/// (<c>Routing:AdminToken</c>) is set.
/// </summary>
public static class RoutingEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Maps the endpoints under <c>/api</c>; writes check the token <paramref name="adminToken"/> returns (empty: none needed).</summary>
    public static IEndpointRouteBuilder MapRoutingEndpoints(this IEndpointRouteBuilder app, Func<string> adminToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(adminToken);
        app.MapGet("/api/queues", (ISkillStatusSource status) => Results.Json(status.Snapshot().Select(QueueJson)));
        app.MapGet("/api/agents", async (ActorRegistry registry, CancellationToken ct) =>
        {
            if (!registry.TryGet<SkillRouter>(out var router)) return NoRouter();
            var agents = await router.Ask<AgentsResult>(GetAgents.Instance, AskTimeout, ct).ConfigureAwait(false);
            return Results.Json(agents.Agents.Select(AgentJson));
        });
        app.MapPost("/api/agents/{id}/state", async (string id, HttpRequest request, ActorRegistry registry, CancellationToken ct) =>
        {
            if (Unauthorized(request, adminToken()) is { } denied) return denied;
            if (!registry.TryGet<SkillRouter>(out var router)) return NoRouter();
            StateBody? body;
            try
            {
                body = await request.ReadFromJsonAsync<StateBody>(ct).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return Problem(400, "The body is not JSON: " + ex.Message);
            }
            if (body?.State is not { } text || !Enum.TryParse<AgentState>(text, ignoreCase: true, out var state) || int.TryParse(text, out _))
                return Problem(400, "The body must be {\"state\": \"ready\"} or {\"state\": \"away\"}.");
            var result = await router.Ask<AgentStateResult>(new SetAgentState(id, state), AskTimeout, ct).ConfigureAwait(false);
            if (result.Agent is null) return Problem(404, result.Error!);
            return result.Error is { } error ? Problem(409, error) : Results.Json(AgentJson(result.Agent));
        });
        app.MapPut("/api/agents", async (HttpRequest request, AgentsFile file, ActorRegistry registry, CancellationToken ct) =>
        {
            if (Unauthorized(request, adminToken()) is { } denied) return denied;
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            var result = file.Validate(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Path.GetFileName(file.Path));
            if (result.Config is not { } config)
            {
                return Results.Json(new
                {
                    error = "The agents document is refused; nothing was changed.",
                    diagnostics = result.Diagnostics.Where(d => d.Severity == Severity.Error).Select(DiagnosticJson),
                }, statusCode: StatusCodes.Status400BadRequest);
            }
            file.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            if (!registry.TryGet<SkillRouter>(out var router)) return NoRouter();
            var applied = await router.Ask<AgentsReplaced>(new ReplaceAgents(config), AskTimeout, ct).ConfigureAwait(false);
            return Results.Json(new { applied.Added, applied.Removed, applied.Updated, agents = config.Agents.Count, skills = config.Skills.Count });
        });
        app.MapGet("/api/callbacks", async (RoutingStores stores, string? skill, CancellationToken ct) =>
        {
            var store = await stores.CallbacksAsync().ConfigureAwait(false);
            var pending = await store.ListPendingAsync(skill, ct).ConfigureAwait(false);
            return Results.Json(pending.Select(c => new
            {
                c.Id,
                c.Skill,
                c.Number,
                c.CallerNumber,
                enteredQueueAt = c.EnteredQueueAt,
                c.BookedAt,
                state = c.State.ToString(),
                c.Attempts,
                c.NextAttemptAt,
                c.LastOutcome,
            }));
        });
        app.MapGet("/api/messages", async (RoutingStores stores, string? skill, int? limit, CancellationToken ct) =>
        {
            var store = await stores.MessagesAsync().ConfigureAwait(false);
            var messages = await store.ListAsync(skill, Math.Clamp(limit ?? 100, 1, 1000), ct).ConfigureAwait(false);
            return Results.Json(messages.Select(m => new
            {
                m.Id,
                m.Skill,
                m.CallerNumber,
                m.StartedAt,
                durationSeconds = m.Duration.TotalSeconds,
                audio = $"/api/messages/{m.Id}/audio",
            }));
        });
        app.MapGet("/api/messages/{id}/audio", async (string id, RoutingStores stores, CancellationToken ct) =>
        {
            var store = await stores.MessagesAsync().ConfigureAwait(false);
            if (await store.GetAsync(id, ct).ConfigureAwait(false) is not { } message) return Problem(404, $"No message '{id}'.");
            var path = Path.Combine(store.MessagesFolder, Path.GetFileName(message.WavPath));
            return File.Exists(path)
                ? Results.File(path, "audio/wav", message.Id + ".wav")
                : Problem(410, $"The audio of message '{id}' is missing from {store.MessagesFolder}.");
        });
        return app;
    }

    private static object QueueJson(SkillStatus s) => new
    {
        s.Skill,
        s.At,
        s.Waiting,
        longestWaitSeconds = s.LongestWait.TotalSeconds,
        expectedWaitSeconds = s.ExpectedWait?.TotalSeconds,
        agents = s.AgentsByState.ToDictionary(p => p.Key.ToString(), p => p.Value),
        window = new
        {
            s.Window.Arrivals,
            s.Window.Answered,
            s.Window.Abandoned,
            s.Window.CallbacksBooked,
            arrivalsPerMinute = s.Window.ArrivalRate,
            s.Window.AbandonmentRate,
            meanHandleSeconds = s.Window.MeanHandleTime?.TotalSeconds,
            s.Window.ServiceLevel,
            averageSpeedOfAnswerSeconds = s.Window.AverageSpeedOfAnswer?.TotalSeconds,
            estimatedPatienceSeconds = s.Window.EstimatedPatience?.TotalSeconds,
        },
        s.CallbacksPending,
        s.CallbacksDialled,
        s.CallbacksFailed,
        s.MessagesRecorded,
    };

    private static object AgentJson(AgentView a) => new
    {
        a.Id,
        a.Name,
        a.Contact,
        skills = a.Skills.Select(s => new { s.Skill, s.Level }),
        state = a.State.ToString(),
        a.ActiveCalls,
        a.IdleSince,
    };

    private static object DiagnosticJson(Diagnostic d) => new { d.Code, d.Line, d.Column, d.Pointer, d.Message, d.Hint };

    private static IResult? Unauthorized(HttpRequest request, string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var header = request.Headers.Authorization.ToString();
        return header == "Bearer " + token ? null : Problem(401, "This endpoint needs 'Authorization: Bearer <admin token>'.");
    }

    private static IResult NoRouter() => Problem(503, "The router is not running (Routing:Enabled is false).");

    private static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);

    private sealed record StateBody(string? State);
}
