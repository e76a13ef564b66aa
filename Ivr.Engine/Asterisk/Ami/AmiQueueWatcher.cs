using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// Watches one Asterisk's app_queue queues over its <see cref="AmiClient"/>: callers joining, leaving, abandoning and
/// being answered, members' states; at every login a <c>QueueStatus</c> action resyncs the whole picture. Everything goes
/// to an <see cref="IAmiQueueSink"/>, in the order Asterisk sent it. An event missing its fields is logged and skipped.
/// </summary>
public sealed class AmiQueueWatcher : BackgroundService
{
    private readonly AmiClient _client;
    private readonly IAmiQueueSink _sink;
    private readonly ILogger _log;
    private readonly ChannelReader<AmiNotice> _notices;

    /// <summary>Watches <paramref name="client"/>'s queues for <paramref name="sink"/> (subscribes at once, so no event after this is missed).</summary>
    public AmiQueueWatcher(AmiClient client, IAmiQueueSink sink, ILogger<AmiQueueWatcher> log)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(log);
        _client = client;
        _sink = sink;
        _log = log;
        _notices = client.Subscribe();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in _notices.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                switch (notice)
                {
                    case AmiLinkUp:
                        await ResyncAsync(stoppingToken).ConfigureAwait(false);
                        break;
                    case AmiEventReceived received:
                        ApplySafely(received.Event);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies one event (public for tests that feed recorded events).</summary>
    public void Apply(AmiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var name = _client.Name;
        var queue = message["Queue"];
        switch (message.EventName)
        {
            case "QueueCallerJoin":
                if (Required(message, queue, "Uniqueid") is { } joined) _sink.Joined(name, queue!, joined);
                break;
            case "QueueCallerLeave":
                if (Required(message, queue, "Uniqueid") is { } left) _sink.Left(name, queue!, left);
                break;
            case "QueueCallerAbandon":
                if (Required(message, queue, "Uniqueid") is { } abandoned) _sink.Abandoned(name, queue!, abandoned, Seconds(message["HoldTime"]));
                break;
            case "AgentConnect":
                if (Required(message, queue, "Uniqueid") is { } answered) _sink.Answered(name, queue!, answered, Seconds(message["HoldTime"]));
                break;
            case "AgentComplete":
                if (Required(message, queue, "Uniqueid") is { } completed) _sink.Completed(name, queue!, completed, Seconds(message["TalkTime"]));
                break;
            case "QueueMemberStatus" or "QueueMemberAdded" or "QueueMemberPause":
                if (Required(message, queue, "MemberName") is { } member) _sink.Member(name, queue!, member, Status(message));
                break;
            case "QueueMemberRemoved":
                if (Required(message, queue, "MemberName") is { } removed) _sink.MemberRemoved(name, queue!, removed);
                break;
        }
    }

    /// <summary>Applies one event; a fault on one event is logged and the watch goes on with the next.</summary>
    private void ApplySafely(AmiMessage message)
    {
        try
        {
            Apply(message);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            _log.LogError(ex, "AMI {Asterisk}: {Event} could not be applied; skipped", _client.Name, AmiPacketParser.Printable(message.EventName ?? "?"));
        }
    }

    /// <summary>Reads a <c>QueueStatus</c> list into one snapshot per queue.</summary>
    public static IReadOnlyList<AmiQueueSnapshot> Snapshots(IEnumerable<AmiMessage> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var queues = new SortedDictionary<string, (List<(string, TimeSpan)> Callers, List<(string, AmiMemberStatus)> Members)>(StringComparer.Ordinal);
        (List<(string, TimeSpan)> Callers, List<(string, AmiMemberStatus)> Members) Get(string q)
        {
            if (!queues.TryGetValue(q, out var entry)) queues[q] = entry = ([], []);
            return entry;
        }
        foreach (var e in events)
        {
            if (e["Queue"] is not { Length: > 0 } queue) continue;
            switch (e.EventName)
            {
                case "QueueParams":
                    Get(queue);
                    break;
                case "QueueEntry" when e["Uniqueid"] is { Length: > 0 } caller:
                    Get(queue).Callers.Add((caller, Seconds(e["Wait"])));
                    break;
                case "QueueMember" when (e["Name"] ?? e["MemberName"]) is { Length: > 0 } member:
                    Get(queue).Members.Add((member, Status(e)));
                    break;
            }
        }
        return [.. queues.Select(q => new AmiQueueSnapshot(q.Key, q.Value.Callers, q.Value.Members))];
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        try
        {
            var answer = await _client.SendAsync(new AmiAction("QueueStatus"), ct).ConfigureAwait(false);
            if (!answer.IsSuccess)
            {
                _log.LogWarning("AMI {Asterisk}: QueueStatus refused ({Message}): queues are not watched until the next login (does the manager.conf user have read/write 'agent'?)",
                    _client.Name, answer["Message"]);
                return;
            }
            var queues = Snapshots(answer.Events);
            _sink.Resynced(_client.Name, queues);
            _log.LogInformation("AMI {Asterisk}: watching {Count} queue(s): {Queues}", _client.Name, queues.Count, string.Join(", ", queues.Select(q => q.Queue)));
        }
        catch (AmiUnavailableException ex)
        {
            // The link went down again; the next AmiLinkUp resyncs.
            _log.LogDebug(ex, "AMI {Asterisk}: QueueStatus not answered", _client.Name);
        }
    }

    private string? Required(AmiMessage message, string? queue, string key)
    {
        var value = message[key];
        if (!string.IsNullOrEmpty(queue) && !string.IsNullOrEmpty(value)) return value;
        _log.LogWarning("AMI {Asterisk}: {Event} without Queue or {Key} skipped", _client.Name, message.EventName, key);
        return null;
    }

    private static TimeSpan Seconds(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    private static AmiMemberStatus Status(AmiMessage message)
    {
        if (message["Paused"] == "1") return AmiMemberStatus.Paused;
        return int.TryParse(message["Status"], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 0 and <= 8
            ? (AmiMemberStatus)status
            : AmiMemberStatus.Unknown;
    }
}
