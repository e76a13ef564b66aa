using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ivr.Engine.Integrations.ScreenPop;

namespace Ivr.Engine.Calls;

/// <summary>
/// The caller's path for the agent, read from the call's timeline: the steps taken (<c>&gt;</c>-separated), a menu's key
/// (<c>[2]</c>) or recognised words (<c>['billing']</c>, <c>[no match]</c>), and for a <c>digits</c> step only how many keys
/// were typed (<c>[6 digits]</c>: account numbers and PINs are masked as in the contact history); the offers made while
/// queued, with their answers, are listed apart. Plain code over <see cref="TimelineEntry"/> records.
/// </summary>
public static partial class AgentContextPath
{
    private const int MaxPath = 1000;

    /// <summary>The path and the offers of the call whose timeline is <paramref name="entries"/>.</summary>
    public static (string Path, IReadOnlyList<AgentOffer> Offers) Read(IReadOnlyList<TimelineEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var path = new StringBuilder();
        var offers = new List<AgentOffer>();
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        var digits = 0;
        AgentOffer? open = null;

        void Append(string part)
        {
            if (path.Length + part.Length <= MaxPath) path.Append(part);
        }
        void Flush()
        {
            if (digits == 0) return;
            Append(string.Create(CultureInfo.InvariantCulture, $"[{digits} digits]"));
            digits = 0;
        }
        void Close(string answer)
        {
            if (open is null) return;
            offers.Add(open with { Answer = answer });
            open = null;
        }

        foreach (var entry in entries)
        {
            var kind = entry.Step is { } s ? kinds.GetValueOrDefault(s) : null;
            switch (entry.Kind)
            {
                case "step" when entry.Step is not null:
                    Close("none");
                    kinds[entry.Step] = entry.Detail;
                    Flush();
                    Append((path.Length == 0 ? string.Empty : " > ") + entry.Step);
                    break;
                case "input" when kind == "queue":
                    // A key while queued answers the offer being made (or is ignored when none is).
                    if (entry.Detail.StartsWith("DTMF ", StringComparison.Ordinal)) Close("key " + entry.Detail[5..]);
                    break;
                case "input" when entry.Detail.StartsWith("DTMF ", StringComparison.Ordinal):
                    if (kind == "digits") digits++;
                    else
                    {
                        Flush();
                        Append("[" + entry.Detail[5..] + "]");
                    }
                    break;
                case "input":
                    Flush();
                    Append(SaidPattern().Match(entry.Detail) is { Success: true } said ? "['" + said.Groups[1].Value + "']" : "[no match]");
                    break;
                case "queue" when OfferPattern().Match(entry.Detail) is { Success: true } offer:
                    Close("none");
                    open = new AgentOffer(offer.Groups[1].Value, offer.Groups[2].Value,
                        int.TryParse(offer.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null, "none");
                    break;
                case "queue" when entry.Detail.StartsWith(SpeechAnswer, StringComparison.Ordinal):
                    var text = entry.Detail[SpeechAnswer.Length..];
                    Close(text == "no match" ? "no match" : "said '" + text + "'");
                    break;
            }
        }
        Close("none");
        Flush();
        return (path.ToString(), offers);
    }

    private const string SpeechAnswer = "offer answered by speech: ";

    [GeneratedRegex(@"^offer: (\S*) \((.*)\) at position (\d*)$", RegexOptions.CultureInvariant)]
    private static partial Regex OfferPattern();

    [GeneratedRegex(@"^said '(.*)' \(confidence", RegexOptions.CultureInvariant)]
    private static partial Regex SaidPattern();
}
