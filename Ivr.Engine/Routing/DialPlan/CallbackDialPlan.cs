using System.Text;
using System.Text.RegularExpressions;
using Ivr.Engine.Routing.Callbacks;

namespace Ivr.Engine.Routing.DialPlan;

/// <summary>
/// Toll-fraud guard for callback numbers: normalises national formats for the default country, then checks the digits,
/// the allowed country codes, refused (premium-rate) prefixes, allowed patterns and the per-number daily cap.
/// </summary>
public sealed class CallbackDialPlan
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(50);
    private readonly Regex[] _patterns;

    /// <summary>Creates the dial plan; throws <see cref="ArgumentException"/> on an invalid pattern.</summary>
    public CallbackDialPlan(DialPlanOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _patterns = options.AllowedPatterns
            .Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, PatternTimeout))
            .ToArray();
    }

    /// <summary>The configuration.</summary>
    public DialPlanOptions Options { get; }

    /// <summary>
    /// The number in E.164 (+ and digits), or null if it is not a phone number. Spaces, dots, dashes and parentheses are
    /// dropped, and so is the "(0)" of "+44 (0)20…"; "00" means "+"; a national number (leading 0) takes the default
    /// country in place of the 0.
    /// </summary>
    public string? Normalize(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        if (number.TrimStart().StartsWith('+')) number = number.Replace("(0)", "", StringComparison.Ordinal);
        var digits = new StringBuilder(number.Length);
        var plus = false;
        foreach (var c in number.Trim())
        {
            if (c is ' ' or '.' or '-' or '(' or ')') continue;
            if (c == '+' && digits.Length == 0 && !plus) plus = true;
            else if (c is >= '0' and <= '9') digits.Append(c);
            else return null;
        }
        var d = digits.ToString();
        if (plus) return d.Length > 0 && d[0] != '0' ? "+" + d : null;
        if (d.StartsWith("00", StringComparison.Ordinal)) return d.Length > 2 && d[2] != '0' ? "+" + d[2..] : null;
        if (d.StartsWith('0') && d.Length > 1 && Options.DefaultCountry is { } country) return country + d[1..];
        return null;
    }

    /// <summary>Checks a number, given how many callbacks it has booked today (see <see cref="CheckAsync"/>).</summary>
    public DialPlanResult Check(string? number, int bookedToday = 0)
    {
        var e164 = Normalize(number);
        if (e164 is null) return DialPlanResult.Refuse(null, DialPlanRefusal.Malformed);
        var digitCount = e164.Length - 1;
        if (digitCount < Options.MinDigits || digitCount > Options.MaxDigits) return DialPlanResult.Refuse(e164, DialPlanRefusal.Malformed);
        if (Options.AllowedCountries.Count > 0 && !Options.AllowedCountries.Any(c => e164.StartsWith(c, StringComparison.Ordinal)))
            return DialPlanResult.Refuse(e164, DialPlanRefusal.CountryNotAllowed);
        if (Options.RefusedPrefixes.Any(p => e164.StartsWith(p, StringComparison.Ordinal)))
            return DialPlanResult.Refuse(e164, DialPlanRefusal.PremiumRate);
        if (_patterns.Length > 0 && !_patterns.Any(p => Matches(p, e164)))
            return DialPlanResult.Refuse(e164, DialPlanRefusal.NotMatchingPattern);
        if (Options.DailyCapPerNumber is { } cap && bookedToday >= cap)
            return DialPlanResult.Refuse(e164, DialPlanRefusal.OverDailyCap);
        return DialPlanResult.Allow(e164);
    }

    /// <summary>Checks a number at <paramref name="now"/>, counting its bookings this local day in <paramref name="store"/>.</summary>
    public async Task<DialPlanResult> CheckAsync(string? number, DateTimeOffset now, ICallbackStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var first = Check(number);
        if (!first.Allowed || Options.DailyCapPerNumber is null) return first;
        var (from, to) = LocalDay(now);
        return Check(first.Number, await store.CountBookedAsync(first.Number!, from, to, cancellationToken));
    }

    /// <summary>The local day containing <paramref name="now"/>, as [start, end) instants.</summary>
    public (DateTimeOffset From, DateTimeOffset To) LocalDay(DateTimeOffset now)
    {
        var local = now.ToOffset(Options.LocalOffset);
        var start = new DateTimeOffset(local.Date, Options.LocalOffset);
        return (start, start.AddDays(1));
    }

    private static bool Matches(Regex pattern, string number)
    {
        try
        {
            return pattern.IsMatch(number);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
