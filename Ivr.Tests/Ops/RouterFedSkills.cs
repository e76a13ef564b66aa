using Ivr.Engine.Routing;

namespace Ivr.Tests.Ops;

/// <summary>
/// A small <see cref="ISkillStatusSource"/> the tests feed through the router's real parts — <see cref="SkillQueue"/>,
/// <see cref="WaitMeter"/>, <see cref="AgentPool"/> and the <see cref="QueueLengthEstimator"/> — standing in for the router
/// (wired by another branch) so that the skill gauges, tiles and status are checked against figures those classes compute.
/// </summary>
internal sealed class RouterFedSkills(TimeProvider time) : ISkillStatusSource
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Skill> _skills = new(StringComparer.Ordinal);
    private readonly AgentPool _agents = new();
    private readonly List<Agent> _agentList = [];

    public void AddSkill(string skill)
    {
        lock (_gate) _skills[skill] = new Skill(new SkillQueue(skill), new WaitMeter(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(20)));
    }

    public void AddAgent(string id, string skill, AgentState state)
    {
        lock (_gate)
        {
            var agent = new Agent(id, [new AgentSkill(skill, 1)]);
            _agents.Add(agent, time.GetUtcNow(), state);
            _agentList.Add(agent);
        }
    }

    public void Arrive(string skill, string caller)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _skills[skill].Queue.Enqueue(new QueuedCaller(caller, 5, now));
            _skills[skill].Meter.Arrived(now);
        }
    }

    public void Answer(string skill, string caller, TimeSpan handleTime)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var s = _skills[skill];
            s.Queue.TryRemove(caller, out var c);
            s.Meter.Answered(now, now - c.EnteredAt);
            s.Meter.Handled(now, handleTime);
        }
    }

    public void Abandon(string skill, string caller)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var s = _skills[skill];
            s.Queue.TryRemove(caller, out var c);
            s.Meter.Abandoned(now, now - c.EnteredAt);
        }
    }

    public void CallbackDialled(string skill, bool reached)
    {
        lock (_gate)
        {
            _skills[skill].Dialled++;
            if (!reached) _skills[skill].Failed++;
        }
    }

    public void MessageRecorded(string skill)
    {
        lock (_gate) _skills[skill].Messages++;
    }

    public IReadOnlyList<SkillStatus> Snapshot()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return _skills.Select(kv =>
            {
                var (queue, meter) = (kv.Value.Queue, kv.Value.Meter);
                var window = meter.Snapshot(now);
                var longest = queue.TryPeek(out var head) ? now - head.EnteredAt : TimeSpan.Zero;
                var byState = Enum.GetValues<AgentState>().ToDictionary(s => s, s => _agentList.Count(a => a.Skills.Any(k => k.Skill == kv.Key) && _agents.StateOf(a.Id) == s));
                var staffed = _agents.StaffedCount(kv.Key);
                TimeSpan? ewt = window.ServiceRate is { } mu && staffed > 0
                    ? new QueueLengthEstimator().Estimate(new WaitContext(queue.Count, staffed, mu, window.PatienceRate ?? 0))
                    : null;
                return new SkillStatus(kv.Key, now, queue.Count, longest, ewt, byState, window, queue.CallbackCount, kv.Value.Dialled, kv.Value.Failed, kv.Value.Messages);
            }).ToList();
        }
    }

    private sealed record Skill(SkillQueue Queue, WaitMeter Meter)
    {
        public long Dialled { get; set; }

        public long Failed { get; set; }

        public long Messages { get; set; }
    }
}
