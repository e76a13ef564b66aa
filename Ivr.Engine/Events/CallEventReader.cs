using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ivr.Engine.Calls;
using Ivr.Engine.Contacts;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Events;

/// <summary>
/// Reads one call's timeline as it grows and turns what it records into the call's events (started, queued, offered,
/// callback booked / dialled, connected, ended) and, at the end, its contact-history row. Plain code over the timeline's
/// entries: nothing in the call's actor knows about it.
/// </summary>
public sealed partial class CallEventReader
{
    private const int MaxPath = 1000;

    private readonly CallTimeline _timeline;
    private readonly Dictionary<string, string> _stepKinds = new(StringComparer.Ordinal);
    private readonly StringBuilder _path = new();
    private int _read;
    private int _sequence;
    private string? _skill;
    private string? _bookedNumber;
    private readonly bool _keepTranscripts;
    private bool _startedSent;
    private int _pendingDigits;

    /// <summary>
    /// Starts reading <paramref name="timeline"/> from its first entry. The path keeps menu keys, but only the count of the
    /// keys of a <c>digits</c> step (<c>[4 digits]</c>: account numbers, PINs) and what the caller said only when
    /// <paramref name="keepTranscripts"/> (<c>Contacts:KeepTranscripts</c>), else <c>[speech]</c>.
    /// </summary>
    public CallEventReader(CallTimeline timeline, bool keepTranscripts = false)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        _timeline = timeline;
        _keepTranscripts = keepTranscripts;
    }

    /// <summary>The timeline read.</summary>
    public CallTimeline Timeline => _timeline;

    /// <summary>The events recorded since the last read, in order.</summary>
    public IReadOnlyList<CallEvent> Read()
    {
        var summary = _timeline.Summary;
        var events = new List<CallEvent>();
        if (!_startedSent)
        {
            _startedSent = true;
            var callback = summary.Kind == CallBoard.CallbackKind;
            events.Add(new CallEvent(callback ? CallEventTypes.CallbackDialled : CallEventTypes.Started, New(summary, summary.StartedAt) with
            {
                Flow = callback ? null : summary.Flow,
                Version = callback ? null : summary.Version,
                Skill = callback ? summary.Skill : null,
                Number = callback ? summary.To : null,
            }));
        }
        var entries = _timeline.Entries();
        for (; _read < entries.Count; _read++)
        {
            if (Map(entries[_read], summary) is { } e) events.Add(e);
        }
        return events;
    }

    /// <summary>The call ended: the last events (ending with <see cref="CallEventTypes.Ended"/>) and its contact-history row.</summary>
    public (IReadOnlyList<CallEvent> Events, ContactRecord Contact) Close()
    {
        var events = new List<CallEvent>(Read());
        var summary = _timeline.Summary;
        var endedAt = summary.EndedAt ?? summary.StartedAt;
        var callback = summary.Kind == CallBoard.CallbackKind;
        var skill = summary.Skill ?? _skill;
        FlushDigits();
        var path = _path.ToString();
        var outcome = summary.Outcome ?? "unknown";
        events.Add(new CallEvent(CallEventTypes.Ended, New(summary, endedAt) with
        {
            Flow = callback ? null : summary.Flow,
            Skill = skill,
            Agent = summary.Agent,
            Outcome = outcome,
            Path = path,
            StartedAt = summary.StartedAt,
            AnsweredAt = summary.AnsweredAt,
            DurationSeconds = Math.Round((endedAt - summary.StartedAt).TotalSeconds, 3),
        }));
        var contact = new ContactRecord(
            summary.CallId,
            CallerNumbers.Normalise(callback ? summary.To : summary.From),
            summary.StartedAt,
            endedAt,
            summary.Kind,
            callback ? null : summary.Flow,
            path,
            skill,
            summary.Agent,
            outcome);
        return (events, contact);
    }

    private CallEvent? Map(TimelineEntry entry, CallSummary summary)
    {
        switch (entry.Kind)
        {
            case "step":
                if (entry.Step is null) return null;
                _stepKinds[entry.Step] = entry.Detail;
                FlushDigits();
                AppendPath((_path.Length == 0 ? string.Empty : " > ") + entry.Step);
                return null;
            case "input":
                if (entry.Detail.StartsWith("DTMF ", StringComparison.Ordinal))
                {
                    // Keys of a digits step are data (account numbers, PINs): only their count is kept.
                    if (entry.Step is { } step && _stepKinds.GetValueOrDefault(step) == "digits") _pendingDigits++;
                    else
                    {
                        FlushDigits();
                        AppendPath("[" + entry.Detail[5..] + "]");
                    }
                }
                else if (SaidPattern().Match(entry.Detail) is { Success: true } said)
                {
                    FlushDigits();
                    AppendPath(_keepTranscripts ? "['" + said.Groups[1].Value + "']" : "[speech]");
                }
                return null;
            case "callback":
                if (BookPattern().Match(entry.Detail) is { Success: true } book) _bookedNumber = book.Groups[1].Value;
                return null;
            case "edge":
                if (entry.Step is { } source && _stepKinds.GetValueOrDefault(source) == "callback" && entry.Detail.StartsWith("booked ", StringComparison.Ordinal))
                    return new CallEvent(CallEventTypes.CallbackBooked, New(summary, entry.At) with { Step = source, Number = _bookedNumber, Skill = _skill });
                return null;
            case "queue":
                return MapQueue(entry, summary);
            default:
                return null;
        }
    }

    private CallEvent? MapQueue(TimelineEntry entry, CallSummary summary)
    {
        if (EnqueuePattern().Match(entry.Detail) is { Success: true } enqueue)
        {
            _skill = enqueue.Groups[1].Value;
            return new CallEvent(CallEventTypes.Queued, New(summary, entry.At) with
            {
                Step = entry.Step,
                Skill = _skill,
                Priority = int.Parse(enqueue.Groups[2].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            });
        }
        if (OfferPattern().Match(entry.Detail) is { Success: true } offer)
        {
            return new CallEvent(CallEventTypes.Offered, New(summary, entry.At) with
            {
                Step = entry.Step,
                Skill = _skill,
                Offer = offer.Groups[1].Value,
                Reason = offer.Groups[2].Value,
                Position = int.TryParse(offer.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null,
            });
        }
        if (BridgedPattern().Match(entry.Detail) is { Success: true } bridged)
        {
            var skill = bridged.Groups[2].Success ? bridged.Groups[2].Value : _skill ?? summary.Skill;
            return new CallEvent(CallEventTypes.Connected, New(summary, entry.At) with { Step = entry.Step, Agent = bridged.Groups[1].Value, Skill = skill });
        }
        return null;
    }

    private CallEventData New(CallSummary summary, DateTimeOffset at) => new()
    {
        CallId = summary.CallId,
        Kind = summary.Kind,
        Sequence = ++_sequence,
        At = at,
        From = summary.From,
        To = summary.To,
        CallbackId = summary.CallbackId,
        Attempt = summary.Attempt,
    };

    private void FlushDigits()
    {
        if (_pendingDigits == 0) return;
        AppendPath(string.Create(CultureInfo.InvariantCulture, $"[{_pendingDigits} digits]"));
        _pendingDigits = 0;
    }

    private void AppendPath(string part)
    {
        if (_path.Length + part.Length <= MaxPath) _path.Append(part);
    }

    [GeneratedRegex(@"^enqueue for (.+) \(priority (-?\d+)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex EnqueuePattern();

    [GeneratedRegex(@"^offer: (\S*) \((.*)\) at position (\d*)$", RegexOptions.CultureInvariant)]
    private static partial Regex OfferPattern();

    [GeneratedRegex(@"^bridged to agent (\S+)(?: \((.+)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex BridgedPattern();

    [GeneratedRegex(@"^said '(.*)' \(confidence", RegexOptions.CultureInvariant)]
    private static partial Regex SaidPattern();

    [GeneratedRegex(@"^book a callback to (\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex BookPattern();
}
