using System.Globalization;
using Ivr.Engine.Ops;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Engine.Contacts;

/// <summary>
/// The contact history's HTTP API (JSON; see <c>docs/events.md</c>): <c>GET /api/reports/repeat-contacts</c> (repeat-contact
/// rate per skill) and <c>GET /api/contacts/{number}</c> (a number's recent contacts, last skill and agent). Both are
/// reads behind the same <see cref="OpsAccess.CheckRead"/> as the rest of <c>/api</c>: loopback clients, or the admin token.
/// </summary>
public static class ContactsEndpoints
{
    private const int MaxDays = 366;

    // Instants outside these bounds are typos (0001-01-01, 9999-…): refused before any date arithmetic can overflow.
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LatestAhead = TimeSpan.FromDays(MaxDays);

    /// <summary>Maps the endpoints; <paramref name="history"/> opens the store (it may fail while the database is down: 503).</summary>
    public static IEndpointRouteBuilder MapContactsEndpoints(this IEndpointRouteBuilder app, Func<Task<IContactHistory>> history, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(time);
        var access = app.ServiceProvider.GetRequiredService<OpsAccess>();
        var read = app.MapGroup("/api").AddEndpointFilter((context, next) =>
            access.CheckRead(context.HttpContext) is { } denied ? ValueTask.FromResult<object?>(denied) : next(context));
        read.MapGet("/reports/repeat-contacts", async (HttpRequest request, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            if (!TryRange(request, now, out var from, out var to, out var error)) return Problem(400, error);
            return await Guarded(async () =>
            {
                var rates = await (await history().ConfigureAwait(false)).RepeatContactsAsync(from, to, ct).ConfigureAwait(false);
                return Results.Json(new
                {
                    from,
                    to,
                    // Contacts of the last 7 days of the period have not had their whole 7-day window yet.
                    windowsComplete7d = to <= now - TimeSpan.FromDays(7),
                    windowsComplete24h = to <= now - TimeSpan.FromDays(1),
                    skills = rates.Select(r => new { r.Skill, r.Contacts, r.Repeated24h, r.Repeated7d, rate24h = Math.Round(r.Rate24h, 4), rate7d = Math.Round(r.Rate7d, 4) }),
                    total = new
                    {
                        contacts = rates.Sum(r => r.Contacts),
                        repeated24h = rates.Sum(r => r.Repeated24h),
                        repeated7d = rates.Sum(r => r.Repeated7d),
                    },
                });
            }).ConfigureAwait(false);
        });
        read.MapGet("/contacts/{number}", async (string number, HttpRequest request, CancellationToken ct) =>
        {
            var hours = 24.0;
            if (request.Query["hours"] is { Count: > 0 } given
                && (!double.TryParse(given[0], NumberStyles.Float, CultureInfo.InvariantCulture, out hours) || !double.IsFinite(hours) || hours <= 0 || hours > MaxDays * 24))
                return Problem(400, $"'hours' must be a number of hours between 0 and {MaxDays * 24}, e.g. ?hours=24.");
            var since = time.GetUtcNow() - TimeSpan.FromHours(hours);
            return await Guarded(async () =>
            {
                var store = await history().ConfigureAwait(false);
                var caller = await store.CallerAsync(number, since, ct).ConfigureAwait(false);
                var contacts = await store.ContactsAsync(number, since, 100, ct).ConfigureAwait(false);
                return Results.Json(new { caller.Number, hours, contactsInWindow = caller.Contacts, caller.LastContactAt, caller.LastSkill, caller.LastAgent, contacts });
            }).ConfigureAwait(false);
        });
        return app;
    }

    private static bool TryRange(HttpRequest request, DateTimeOffset now, out DateTimeOffset from, out DateTimeOffset to, out string error)
    {
        error = string.Empty;
        to = now;
        from = now - TimeSpan.FromDays(30);
        if (request.Query["to"] is { Count: > 0 } toText && !DateTimeOffset.TryParse(toText[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out to))
        {
            error = "'to' must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z.";
            return false;
        }
        if (!InBounds(to, now, "to", out error)) return false;
        from = to - TimeSpan.FromDays(30);
        if (request.Query["from"] is { Count: > 0 } fromText && !DateTimeOffset.TryParse(fromText[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
        {
            error = "'from' must be an ISO 8601 instant, e.g. 2026-11-01T00:00:00Z.";
            return false;
        }
        if (!InBounds(from, now, "from", out error)) return false;
        if (request.Query["days"] is { Count: > 0 } daysText)
        {
            if (!int.TryParse(daysText[0], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1 || days > MaxDays)
            {
                error = $"'days' must be a whole number of days between 1 and {MaxDays}.";
                return false;
            }
            from = to - TimeSpan.FromDays(days);
        }
        if (from >= to || to - from > TimeSpan.FromDays(MaxDays))
        {
            error = $"The period must have 'from' before 'to' and last at most {MaxDays} days.";
            return false;
        }
        return true;
    }

    private static bool InBounds(DateTimeOffset instant, DateTimeOffset now, string name, out string error)
    {
        error = instant < Earliest || instant > now + LatestAhead
            ? string.Create(CultureInfo.InvariantCulture, $"'{name}' must be between {Earliest:yyyy-MM-dd} and {MaxDays} days from now.")
            : string.Empty;
        return error.Length == 0;
    }

    private static async Task<IResult> Guarded(Func<Task<IResult>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or Routing.Storage.StorageUnavailableException or TimeoutException)
        {
            return Problem(503, "The contact history cannot be read now: " + ex.Message.Split('\n')[0]);
        }
    }

    private static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);
}
