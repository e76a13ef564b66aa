using System.Globalization;
using Ivr.Engine.Ops;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Surveys;

/// <summary>
/// The surveys' HTTP API (JSON; see <c>docs/surveys.md</c>): <c>GET /api/reports/satisfaction?days=N</c> (satisfaction by
/// path and by skill) and <c>GET /api/surveys?days=N</c> (the latest surveys, 100 at most). Reads behind the same
/// <see cref="OpsAccess.CheckRead"/> as the rest of <c>/api</c>: loopback clients, or the admin token.
/// </summary>
public static class SurveysEndpoints
{
    private const int MaxDays = 366;
    private const int DefaultDays = 30;

    /// <summary>Maps the endpoints; <paramref name="store"/> opens the store (it may fail while the database is down: 503).</summary>
    public static IEndpointRouteBuilder MapSurveysEndpoints(this IEndpointRouteBuilder app, Func<Task<ISurveyStore>> store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var access = app.ServiceProvider.GetRequiredService<OpsAccess>();
        var read = app.MapGroup("/api").AddEndpointFilter((context, next) =>
            access.CheckRead(context.HttpContext) is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        read.MapGet("/reports/satisfaction", async (HttpRequest request, CancellationToken ct) =>
        {
            if (!TryDays(request, out var days, out var error)) return Problem(400, error);
            var to = time.GetUtcNow();
            var from = to - TimeSpan.FromDays(days);
            return await Guarded(async () =>
            {
                var tallies = await (await store().ConfigureAwait(false)).TallyAsync(from, to, ct).ConfigureAwait(false);
                var report = SatisfactionReport.From(tallies);
                return Results.Json(new
                {
                    from,
                    to,
                    days,
                    paths = report.ByPath.Select(Line),
                    skills = report.BySkill.Select(Line),
                    total = Line(report.Total),
                });
            }).ConfigureAwait(false);
        });
        read.MapGet("/surveys", async (HttpRequest request, CancellationToken ct) =>
        {
            if (!TryDays(request, out var days, out var error)) return Problem(400, error);
            var to = time.GetUtcNow();
            return await Guarded(async () =>
            {
                var surveys = await (await store().ConfigureAwait(false)).ListAsync(to - TimeSpan.FromDays(days), to, 100, ct).ConfigureAwait(false);
                return Results.Json(new { days, surveys });
            }).ConfigureAwait(false);
        });
        return app;
    }

    private static object Line(SatisfactionLine l) => new
    {
        name = l.Name,
        offered = l.Offered,
        answered = l.Answered,
        responseRate = Math.Round(l.ResponseRate, 4),
        scored = l.Scored,
        mean = l.Mean is { } m ? Math.Round(m, 3) : (double?)null,
        verySatisfied = l.VerySatisfied,
        verySatisfiedShare = l.VerySatisfiedShare is { } v ? Math.Round(v, 4) : (double?)null,
        q2Scored = l.Q2Scored,
        q2Mean = l.Q2Mean is { } q ? Math.Round(q, 3) : (double?)null,
    };

    private static bool TryDays(HttpRequest request, out int days, out string error)
    {
        days = DefaultDays;
        error = string.Empty;
        if (request.Query["days"] is not { Count: > 0 } text) return true;
        if (int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out days) && days >= 1 && days <= MaxDays) return true;
        error = $"'days' must be a whole number of days between 1 and {MaxDays}, e.g. ?days=7.";
        return false;
    }

    private static async Task<IResult> Guarded(Func<Task<IResult>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or Routing.Storage.StorageUnavailableException or TimeoutException)
        {
            return Problem(503, "The surveys cannot be read now: " + ex.Message.Split('\n')[0]);
        }
    }

    private static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);
}
