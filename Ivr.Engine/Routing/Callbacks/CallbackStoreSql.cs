using System.Globalization;

namespace Ivr.Engine.Routing.Callbacks;

/// <summary>What the SQLite and PostgreSQL callback stores write alike: the back-off figures and the served outcome.</summary>
internal static class CallbackStoreSql
{
    /// <summary>
    /// The back-off after k attempts in milliseconds, as a SQL <c>CASE</c> over the <c>attempts</c> column (SQLite builds
    /// may lack pow()), from <see cref="CallbackRetryPolicy.BackoffAfter"/>.
    /// </summary>
    public static string BackoffCase(CallbackRetryPolicy retry)
    {
        var c = CultureInfo.InvariantCulture;
        var cases = string.Concat(Enumerable.Range(1, Math.Max(1, retry.MaxAttempts)).Select(k =>
            $" WHEN {k.ToString(c)} THEN {((long)retry.BackoffAfter(k).TotalMilliseconds).ToString(c)}"));
        return $"(CASE attempts{cases} ELSE 0 END)";
    }

    /// <summary>How the last outcome of a callback counted as served begins (followed by what stopped: the engine, a node's lease).</summary>
    public static string ServedPrefix(CallbackRetryPolicy retry) =>
        $"Served: in conversation for at least {retry.ServedAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s when ";
}
