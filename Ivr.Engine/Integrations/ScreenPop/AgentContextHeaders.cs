using System.Globalization;
using System.Text;

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>
/// The <c>X-Ivr-*</c> headers of the INVITE to the agent, built from an <see cref="AgentContext"/>. Values are sanitised:
/// a control character (CR, LF, TAB…) becomes a space, runs of spaces collapse, <c>%</c> and every non-ASCII character are
/// percent-encoded as UTF-8 (RFC 3986 §2.1 style, so a receiver decodes losslessly), each value is capped
/// (<see cref="MaxValueLength"/>, <see cref="MaxPathLength"/>; a cut value ends with <c>...</c>) and all of them together stay
/// within <see cref="MaxTotalBytes"/>: RFC 3261 §18.1.1 wants a request over 1300 bytes sent over TCP, and agents'
/// phones commonly listen on UDP only, so the context is cut to fit instead (what is left out is counted in
/// <c>X-Ivr-Truncated</c>; the whole context is in the screen-pop and <c>/api/calls/{id}</c>).
/// </summary>
public static class AgentContextHeaders
{
    /// <summary>The prefix of every context header.</summary>
    public const string Prefix = "X-Ivr-";

    /// <summary>The prefix of a variable's header, followed by the variable's name.</summary>
    public const string VariablePrefix = "X-Ivr-Var-";

    /// <summary>The header counting the context headers left out to stay within <see cref="MaxTotalBytes"/>.</summary>
    public const string TruncatedHeader = "X-Ivr-Truncated";

    /// <summary>The longest value of a header (after encoding), path and offers aside.</summary>
    public const int MaxValueLength = 100;

    /// <summary>The longest value of <c>X-Ivr-Path</c> and <c>X-Ivr-Offers</c>.</summary>
    public const int MaxPathLength = 200;

    /// <summary>
    /// The most bytes all context header lines may take (<c>Name: value</c> CRLF each, <c>X-Ivr-Truncated</c> included): an
    /// agent INVITE with PCMU/PCMA/telephone-event SDP is about 810 bytes on loopback, so with the context it stays under
    /// RFC 3261 §18.1.1's 1300 bytes (an SDES key adds about 90 more: still under).
    /// </summary>
    public const int MaxTotalBytes = 400;

    private const int MaxNameLength = 48;
    private const int TruncatedReserve = 24; // "X-Ivr-Truncated: NN\r\n"

    /// <summary>The headers for <paramref name="context"/>, in the order documented in docs/integrations.md, within the caps.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(AgentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var candidates = new List<(string Name, string Value, int Cap)>();
        void Add(string name, string? value, int cap = MaxValueLength)
        {
            if (value is null) return;
            var clean = Sanitise(value, cap);
            if (clean.Length > 0) candidates.Add((name, clean, cap));
        }

        Add("X-Ivr-Call-Id", context.CallId);
        Add("X-Ivr-Kind", context.Kind);
        Add("X-Ivr-Skill", context.Skill);
        Add("X-Ivr-Caller", context.CallerNumber);
        Add("X-Ivr-Waited", context.WaitedSeconds.ToString(CultureInfo.InvariantCulture));
        if (context.CallbackId is { } callbackId) Add("X-Ivr-Callback-Id", callbackId.ToString(CultureInfo.InvariantCulture));
        if (context.BookedAt is { } bookedAt) Add("X-Ivr-Booked-At", Timestamp(bookedAt));
        if (context.Attempt is { } attempt) Add("X-Ivr-Attempt", attempt.ToString(CultureInfo.InvariantCulture));
        foreach (var variable in context.Variables)
        {
            if (variable.Name.Length <= MaxNameLength && IsNameToken(variable.Name)) Add(VariablePrefix + variable.Name, variable.Value);
        }
        if (context.Contacts is { } contacts)
        {
            Add("X-Ivr-Contacts-24h", contacts.Last24Hours.ToString(CultureInfo.InvariantCulture));
            Add("X-Ivr-Contacts-7d", contacts.Last7Days.ToString(CultureInfo.InvariantCulture));
            if (contacts.LastContactAt is { } last) Add("X-Ivr-Last-Contact", Timestamp(last));
            Add("X-Ivr-Last-Skill", contacts.LastSkill);
            Add("X-Ivr-Last-Agent", contacts.LastAgent);
            Add("X-Ivr-Last-Outcome", contacts.LastOutcome);
        }
        Add("X-Ivr-Path", context.Path, MaxPathLength);
        if (context.Offers.Count > 0) Add("X-Ivr-Offers", string.Join(", ", context.Offers.Select(OfferText)), MaxPathLength);
        return Fit(candidates);
    }

    /// <summary>
    /// <paramref name="value"/> as a safe header value of at most <paramref name="cap"/> characters: controls become spaces
    /// (runs collapsed, ends trimmed), <c>%</c> and non-ASCII are percent-encoded UTF-8, and a longer value is cut to end with <c>...</c>.
    /// </summary>
    public static string Sanitise(string value, int cap = MaxValueLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 8);
        var sb = new StringBuilder(Math.Min(value.Length, cap + 16));
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (sb.Length > cap + 12) break; // enough to know it is cut; the rest is never looked at
            if (rune.IsAscii)
            {
                var c = (char)rune.Value;
                if (char.IsControl(c) || c == ' ')
                {
                    if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
                }
                else if (c == '%') sb.Append("%25");
                else sb.Append(c);
                continue;
            }
            var n = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < n; i++) sb.Append('%').Append(utf8[i].ToString("X2", CultureInfo.InvariantCulture));
        }
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return Cut(sb.ToString(), cap);
    }

    // An already sanitised value cut to at most cap characters, ending with "..." when cut, never inside a %XX escape.
    private static string Cut(string clean, int cap)
    {
        if (clean.Length <= cap) return clean;
        var cut = cap - 3;
        if (cut >= 1 && clean[cut - 1] == '%') cut -= 1;
        else if (cut >= 2 && clean[cut - 2] == '%') cut -= 2;
        return clean[..cut].TrimEnd() + "...";
    }

    /// <summary>The bytes one header line takes: <c>Name: value</c> and CRLF.</summary>
    public static int LineBytes(string name, string value) => name.Length + 2 + value.Length + 2;

    private static IReadOnlyList<KeyValuePair<string, string>> Fit(List<(string Name, string Value, int Cap)> candidates)
    {
        var all = candidates.Sum(c => LineBytes(c.Name, c.Value));
        var budget = all <= MaxTotalBytes ? MaxTotalBytes : MaxTotalBytes - TruncatedReserve;
        var headers = new List<KeyValuePair<string, string>>(candidates.Count + 1);
        var used = 0;
        var dropped = 0;
        foreach (var (name, value, cap) in candidates)
        {
            var line = LineBytes(name, value);
            if (used + line <= budget)
            {
                headers.Add(new(name, value));
                used += line;
                continue;
            }
            // A long path or offer list is shortened to the room left rather than dropped, when a useful part fits.
            var room = budget - used - LineBytes(name, string.Empty);
            if (cap == MaxPathLength && room >= 24)
            {
                var shortened = Cut(value, room);
                headers.Add(new(name, shortened));
                used += LineBytes(name, shortened);
                continue;
            }
            dropped++;
        }
        if (dropped > 0) headers.Add(new(TruncatedHeader, dropped.ToString(CultureInfo.InvariantCulture)));
        return headers;
    }

    private static string OfferText(AgentOffer offer)
    {
        var at = offer.Position is { } position ? "@" + position.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return $"{offer.Offer}{at}: {offer.Answer}";
    }

    private static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // A flow variable's name is [A-Za-z_][A-Za-z0-9_.-]*: all RFC 3261 token characters; anything else is never a header name.
    private static bool IsNameToken(string name) =>
        name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-');
}
