using Ivr.Engine.Asterisk.Ami;
using Ivr.Engine.Hosting;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.External;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Asterisk;

/// <summary>app_queue's events (as Asterisk 23 sends them, trimmed) through the watcher and the feed onto the external queue board.</summary>
public sealed class AmiQueueWatcherTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
    private readonly ExternalQueueBoard _board;
    private readonly AmiQueueWatcher _watcher;
    private readonly AmiTestLog<AmiQueueWatcher> _log = new();

    public AmiQueueWatcherTests()
    {
        _board = new ExternalQueueBoard(_time);
        var client = new AmiClient(new AmiClientSettings("pbx", "127.0.0.1", 1, "ivr", "secret"), new AmiMetrics(), new AmiTestLog<AmiClient>());
        _watcher = new AmiQueueWatcher(client, new AmiQueueFeed(_board), _log);
    }

    [Fact]
    public void Apply_JoinAbandonLeaveAndAnswer_FeedWaitingAndTheMeter()
    {
        Apply("Event: QueueCallerJoin", "Queue: support", "Uniqueid: 1.1", "Position: 1", "Count: 1");
        _time.Advance(TimeSpan.FromSeconds(2));
        Apply("Event: QueueCallerJoin", "Queue: support", "Uniqueid: 1.2", "Position: 2", "Count: 2");
        _time.Advance(TimeSpan.FromSeconds(3));

        var waiting = Status();
        Assert.Equal(2, waiting.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(5), waiting.LongestWait);
        Assert.Equal(2, waiting.Window.Arrivals);

        // Asterisk reports an abandon, then the leave.
        Apply("Event: QueueCallerAbandon", "Queue: support", "Uniqueid: 1.1", "Position: 1", "OriginalPosition: 1", "HoldTime: 5");
        Apply("Event: QueueCallerLeave", "Queue: support", "Uniqueid: 1.1", "Count: 1", "Position: 1");
        Apply("Event: AgentConnect", "Queue: support", "Uniqueid: 1.2", "HoldTime: 3", "MemberName: alice", "DestUniqueid: 1.3");
        Apply("Event: QueueCallerLeave", "Queue: support", "Uniqueid: 1.2", "Count: 0", "Position: 1");
        Apply("Event: AgentComplete", "Queue: support", "Uniqueid: 1.2", "HoldTime: 3", "TalkTime: 90", "Reason: caller");

        var after = Status();
        Assert.Equal(0, after.Waiting);
        Assert.Equal(TimeSpan.Zero, after.LongestWait);
        Assert.Equal(1, after.Window.Abandoned);
        Assert.Equal(1, after.Window.Answered);
        Assert.Equal(0.5, after.Window.AbandonmentRate);
        Assert.Equal(TimeSpan.FromSeconds(3), after.Window.AverageSpeedOfAnswer);
        Assert.Equal(TimeSpan.FromSeconds(90), after.Window.MeanHandleTime);
    }

    [Fact]
    public void Apply_MemberStates_BecomeAgentStates()
    {
        Apply("Event: QueueMemberAdded", "Queue: support", "MemberName: alice", "Status: 1", "Paused: 0");
        Apply("Event: QueueMemberAdded", "Queue: support", "MemberName: bob", "Status: 5", "Paused: 0");
        Apply("Event: QueueMemberStatus", "Queue: support", "MemberName: carol", "Status: 2", "Paused: 0");
        Apply("Event: QueueMemberPause", "Queue: support", "MemberName: dave", "Status: 1", "Paused: 1");
        Apply("Event: QueueMemberStatus", "Queue: support", "MemberName: erin", "Status: 6", "Paused: 0");
        Apply("Event: QueueMemberRemoved", "Queue: support", "MemberName: bob");

        var agents = Status().AgentsByState;
        Assert.Equal(1, agents[AgentState.Ready]);
        Assert.Equal(1, agents[AgentState.Talking]);
        Assert.Equal(1, agents[AgentState.Ringing]);
        Assert.Equal(1, agents[AgentState.Away]);
        Assert.Equal(TimeSpan.Zero, Status().ExpectedWait);
    }

    [Fact]
    public void Resync_KeepsKnownEntryTimes_AddsCallersMissedWhileDown_ForgetsGoneQueues()
    {
        Apply("Event: QueueCallerJoin", "Queue: support", "Uniqueid: 1.1");
        Apply("Event: QueueCallerJoin", "Queue: old", "Uniqueid: 9.9");
        _time.Advance(TimeSpan.FromSeconds(10));

        var list = AmiQueueWatcher.Snapshots([
            Message("Event: QueueParams", "Queue: support", "Calls: 2", "ActionID: ivr-4"),
            Message("Event: QueueMember", "Queue: support", "Name: alice", "Status: 2", "Paused: 0", "ActionID: ivr-4"),
            Message("Event: QueueEntry", "Queue: support", "Position: 1", "Uniqueid: 1.1", "Wait: 12", "ActionID: ivr-4"),
            Message("Event: QueueEntry", "Queue: support", "Position: 2", "Uniqueid: 1.5", "Wait: 4", "ActionID: ivr-4"),
            Message("Event: QueueStatusComplete", "EventList: Complete", "ActionID: ivr-4"),
        ]);
        new AmiQueueFeed(_board).Resynced("pbx", list);

        var support = Assert.Single(_board.Snapshot());
        Assert.Equal("asterisk:pbx/support", support.Skill);
        Assert.Equal(2, support.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(10), support.LongestWait);
        Assert.Equal(2, support.Window.Arrivals);
        Assert.Equal(1, support.AgentsByState[AgentState.Talking]);
    }

    [Fact]
    public void Apply_EventWithoutItsFields_IsSkippedAndLogged()
    {
        Apply("Event: QueueCallerJoin", "Queue: support");

        Assert.Empty(_board.Snapshot());
        Assert.Contains(_log.AtLeast(LogLevel.Warning), l => l.Contains("QueueCallerJoin without Queue or Uniqueid skipped", StringComparison.Ordinal));
    }

    private SkillStatus Status() => Assert.Single(_board.Snapshot(), s => s.Skill == "asterisk:pbx/support");

    private void Apply(params string[] lines) => _watcher.Apply(Message(lines));

    private static AmiMessage Message(params string[] lines) =>
        new([.. lines.Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':', StringComparison.Ordinal)], l[(l.IndexOf(':', StringComparison.Ordinal) + 2)..]))]);
}
