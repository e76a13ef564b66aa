using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Routing;

namespace Ivr.Engine.Ops;

/// <summary>
/// Reads every figure of a <see cref="StatusReport"/> from the same counters the meters observe, so <c>/api/status</c>,
/// <c>ivr status</c> and <c>/metrics</c> agree at any quiet moment.
/// </summary>
public sealed class OpsStatusSource
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly CallMetrics _calls;
    private readonly CallOps _ops;
    private readonly MediaMetrics _media;
    private readonly SkillMetrics _skills;
    private readonly IEngineNode _sip;
    private readonly LiveFlows _flows;
    private readonly TimeProvider _time;
    private readonly IClusterView _cluster;

    /// <summary>Creates the source over the engine's parts.</summary>
    public OpsStatusSource(CallMetrics calls, CallOps ops, MediaMetrics media, SkillMetrics skills, IEngineNode sip, LiveFlows flows, TimeProvider time, IClusterView cluster)
    {
        _calls = calls;
        _ops = ops;
        _media = media;
        _skills = skills;
        _sip = sip;
        _flows = flows;
        _time = time;
        _cluster = cluster;
    }

    /// <summary>Whether the node is draining (asks the call manager, bounded); false before it runs.</summary>
    public async Task<bool> IsDrainingAsync(CancellationToken cancellationToken)
    {
        if (_sip.Manager is not { } manager) return false;
        var live = await manager.Ask<LiveCallsResult>(GetLiveCalls.Instance, AskTimeout, cancellationToken).ConfigureAwait(false);
        return live.Draining;
    }

    /// <summary>Reads the figures now.</summary>
    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken)
    {
        var draining = await IsDrainingAsync(cancellationToken).ConfigureAwait(false);
        var flowsLoaded = _flows.Ids.Count;
        var node = new NodeStatus(_cluster.NodeName, _sip.IsReady && flowsLoaded > 0 && !draining, draining, _sip.EndPoints, flowsLoaded);

        var live = _ops.Board.Live();
        var calls = new CallsStatus(
            _calls.Active,
            _calls.Started,
            _calls.Answered,
            _calls.Failed,
            _calls.Ended.ByFirst(),
            _calls.Rejected.ByFirst(),
            _ops.Board.LiveByState(),
            Count(live.Select(c => c.Flow)));

        var counters = _sip.SipCounters;
        var sip = counters is null
            ? new SipStatus(new Dictionary<string, long>(), new Dictionary<string, long>(), 0, 0, 0)
            : new SipStatus(
                new SortedDictionary<string, long>(counters.RequestsByMethod().ToDictionary(), StringComparer.Ordinal),
                new SortedDictionary<string, long>(counters.ResponsesByCode().ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value), StringComparer.Ordinal),
                counters.Retransmissions,
                counters.ParseErrors,
                counters.Rejected503);

        var rtp = _media.Counters;
        var pacer = _media.Pacer;
        var media = new MediaStatus(
            rtp?.PacketsReceived ?? 0,
            pacer?.PacketsSent ?? 0,
            rtp?.PacketsIgnored ?? 0,
            rtp?.DtmfReceived ?? 0,
            rtp?.DtmfSent ?? 0,
            pacer?.LateSends ?? 0,
            pacer?.GetLatenessPercentile(99).TotalMilliseconds ?? 0,
            pacer?.SenderCount ?? 0);

        var actorMetrics = _ops.Actors;
        var messages = actorMetrics.Messages.ByFirst();
        var actors = new ActorsStatus(
            actorMetrics.LiveByType(),
            messages,
            messages.Keys.ToDictionary(t => t, t => Math.Round(actorMetrics.MeanHandling(t).TotalMicroseconds, 1), StringComparer.Ordinal),
            actorMetrics.Restarted.ByFirst(),
            actorMetrics.DeadLetters.Total);

        return new StatusReport(_time.GetUtcNow(), node, ClusterStatus.Of(_cluster), calls, sip, media, actors, ReadFlows(), ReadSkills());
    }

    /// <summary>One tile per skill from the registered <see cref="ISkillStatusSource"/>.</summary>
    public IReadOnlyList<SkillTile> ReadSkills() => _skills.Snapshot().Select(Tile).ToList();

    private static SkillTile Tile(SkillStatus s) => new(
        s.Skill,
        s.Waiting,
        s.LongestWait.TotalSeconds,
        s.ExpectedWait?.TotalSeconds,
        Enum.GetValues<AgentState>().ToDictionary(SkillMetrics.StateName, st => s.AgentsByState.GetValueOrDefault(st), StringComparer.Ordinal),
        s.Window.Arrivals,
        s.Window.Answered,
        s.Window.Abandoned,
        s.Window.AbandonmentRate,
        s.Window.ServiceLevel,
        s.Window.AverageSpeedOfAnswer?.TotalSeconds,
        s.CallbacksPending,
        s.CallbacksDialled,
        s.CallbacksFailed,
        s.MessagesRecorded);

    private List<FlowStatus> ReadFlows()
    {
        var metrics = _ops.Flows;
        var ids = new SortedSet<string>(_flows.Ids, StringComparer.Ordinal);
        foreach (var (flow, _, _) in metrics.Calls.Snapshot()) ids.Add(flow);
        var outcomes = metrics.Outcomes.Snapshot();
        var noInput = metrics.NoInput.Snapshot();
        var noMatch = metrics.NoMatch.Snapshot();
        var calls = metrics.Calls.ByFirst();
        var queued = metrics.QueueEntered.Snapshot();
        var abandoned = metrics.QueueAbandoned.Snapshot();
        return ids.Select(id => new FlowStatus(
            id,
            _flows.Find(id)?.Version,
            calls.GetValueOrDefault(id),
            BySecond(outcomes, id),
            noInput.Where(o => o.First == id).Sum(o => o.Count),
            noMatch.Where(o => o.First == id).Sum(o => o.Count),
            BySecond(queued, id),
            BySecond(abandoned, id))).ToList();
    }

    private static SortedDictionary<string, long> BySecond(IReadOnlyList<(string First, string Second, long Count)> counts, string first) =>
        new(counts.Where(c => c.First == first).ToDictionary(c => c.Second, c => c.Count), StringComparer.Ordinal);

    private static SortedDictionary<string, int> Count(IEnumerable<string> values)
    {
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values) result[v] = result.GetValueOrDefault(v) + 1;
        return result;
    }
}
