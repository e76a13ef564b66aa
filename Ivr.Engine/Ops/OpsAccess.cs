using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Ivr.Engine.Ops;

/// <summary>
/// Who may use the ops endpoints: reads are open to loopback clients (or everyone with <c>Ops:ReadAccess=any</c>, or any
/// holder of the admin token); admin actions need <c>Authorization: Bearer &lt;Ops:AdminToken&gt;</c> and are refused
/// while no token is configured.
/// </summary>
public sealed class OpsAccess
{
    private readonly byte[]? _token;
    private readonly bool _openReads;

    /// <summary>Creates the policy from <paramref name="options"/>.</summary>
    public OpsAccess(OpsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _token = string.IsNullOrEmpty(options.AdminToken) ? null : Encoding.UTF8.GetBytes(options.AdminToken);
        Validate(options);
        _openReads = options.ReadAccess == "any";
    }

    /// <summary>Throws <see cref="FormatException"/> when <see cref="OpsOptions.ReadAccess"/> is neither <c>loopback</c> nor <c>any</c>.</summary>
    public static void Validate(OpsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ReadAccess is not ("loopback" or "any"))
            throw new FormatException($"Ops:ReadAccess must be 'loopback' or 'any', not '{options.ReadAccess}'.");
        if (options.RecentCalls < 0 || options.TimelineEvents < 1 || options.HistoryMinutes < 1)
            throw new FormatException("Ops:RecentCalls must be 0 or more, Ops:TimelineEvents and Ops:HistoryMinutes 1 or more.");
    }

    /// <summary>Null when <paramref name="context"/> may read, else the error result to send.</summary>
    public IResult? CheckRead(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_openReads || IsLoopback(context.Connection.RemoteIpAddress) || HasToken(context)) return null;
        return Results.Json(new { error = "read endpoints answer loopback clients only; set Ops:ReadAccess=any or send the admin token" }, statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>Null when <paramref name="context"/> carries the admin token, else the error result to send.</summary>
    public IResult? CheckAdmin(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_token is null)
            return Results.Json(new { error = "admin actions are disabled: set Ops:AdminToken" }, statusCode: StatusCodes.Status403Forbidden);
        if (HasToken(context)) return null;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ivr\"";
        return Results.Json(new { error = "admin token required: Authorization: Bearer <Ops:AdminToken>" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address);

    private bool HasToken(HttpContext context)
    {
        if (_token is null) return false;
        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }
}
