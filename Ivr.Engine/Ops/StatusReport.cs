namespace Ivr.Engine.Ops;

/// <summary>The engine's figures at one moment, as <c>/api/status</c>, the dashboard's events and <c>ivr status</c> show them.</summary>
/// <param name="At">When the figures were read.</param>
/// <param name="Node">This node: its name and readiness.</param>
/// <param name="Cluster">The cluster this node belongs to, as it sees it (a single node is a cluster of one).</param>
/// <param name="Calls">Call counts and the live calls by state and flow.</param>
/// <param name="Sip">SIP traffic.</param>
/// <param name="Media">RTP and pacing.</param>
/// <param name="Actors">Actors and messages.</param>
/// <param name="Flows">Per-flow counts.</param>
/// <param name="Skills">Per-skill tiles from the router (empty until it runs).</param>
public sealed record StatusReport(
    DateTimeOffset At,
    NodeStatus Node,
    ClusterStatus Cluster,
    CallsStatus Calls,
    SipStatus Sip,
    MediaStatus Media,
    ActorsStatus Actors,
    IReadOnlyList<FlowStatus> Flows,
    IReadOnlyList<SkillTile> Skills);

/// <summary>Which node this is and whether it takes calls.</summary>
/// <param name="Name">The node's name (<see cref="IClusterView.NodeName"/>, the <c>node</c> label of its metrics).</param>
/// <param name="Ready">SIP bound, flows loaded, not draining.</param>
/// <param name="Draining">A drain has begun.</param>
/// <param name="SipEndPoints">Where SIP listens.</param>
/// <param name="FlowsLoaded">Flows in the catalog.</param>
public sealed record NodeStatus(string Name, bool Ready, bool Draining, IReadOnlyList<string> SipEndPoints, int FlowsLoaded);

/// <summary>The cluster as this node sees it.</summary>
/// <param name="Clustered">True when the node runs in a cluster, false for a node alone.</param>
/// <param name="Members">Every member the node knows of, itself included, in address order.</param>
public sealed record ClusterStatus(bool Clustered, IReadOnlyList<ClusterMemberStatus> Members)
{
    /// <summary>The status of <paramref name="view"/> now.</summary>
    public static ClusterStatus Of(IClusterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new ClusterStatus(view.Clustered, view.Members().Select(m => new ClusterMemberStatus(m.Node, m.Address, m.State, m.IsSelf, m.IsLeader, m.Roles)).ToList());
    }
}

/// <summary>One member of the cluster.</summary>
/// <param name="Node">Its node name.</param>
/// <param name="Address">Its cluster address (<c>akka.tcp://ivr@host:port</c>), empty for a single node.</param>
/// <param name="State">Its state: <c>joining</c>, <c>up</c>, <c>leaving</c>, <c>exiting</c>, <c>down</c>, <c>removed</c> or <c>unreachable</c>.</param>
/// <param name="Self">The member is the node that answered.</param>
/// <param name="Leader">The member is the cluster's leader.</param>
/// <param name="Roles">Its roles.</param>
public sealed record ClusterMemberStatus(string Node, string Address, string State, bool Self, bool Leader, IReadOnlyList<string> Roles);

/// <summary>Call figures (totals since start, and the live calls now).</summary>
/// <param name="Active">Live calls.</param>
/// <param name="Started">Calls admitted.</param>
/// <param name="Answered">Calls answered.</param>
/// <param name="Failed">Calls whose actor failed.</param>
/// <param name="Ended">Ended calls by reason.</param>
/// <param name="Rejected">Rejected INVITEs by status code.</param>
/// <param name="ByState">Live calls by state (every state, 0 when none is in it).</param>
/// <param name="ByFlow">Live calls by flow.</param>
public sealed record CallsStatus(
    long Active,
    long Started,
    long Answered,
    long Failed,
    IReadOnlyDictionary<string, long> Ended,
    IReadOnlyDictionary<string, long> Rejected,
    IReadOnlyDictionary<string, int> ByState,
    IReadOnlyDictionary<string, int> ByFlow);

/// <summary>SIP traffic since start.</summary>
/// <param name="Requests">Requests received by method.</param>
/// <param name="Responses">Responses sent by status code.</param>
/// <param name="Retransmissions">Retransmissions sent or received.</param>
/// <param name="ParseErrors">Messages the parser refused.</param>
/// <param name="RejectedOverload">INVITEs the SIP stack answered 503 itself (no call handler yet); capacity and drain 503s are the calls' <c>Rejected["503"]</c>.</param>
public sealed record SipStatus(
    IReadOnlyDictionary<string, long> Requests,
    IReadOnlyDictionary<string, long> Responses,
    long Retransmissions,
    long ParseErrors,
    long RejectedOverload);

/// <summary>RTP and pacing since start.</summary>
/// <param name="PacketsReceived">RTP packets received.</param>
/// <param name="PacketsSent">RTP packets sent.</param>
/// <param name="PacketsIgnored">Datagrams dropped.</param>
/// <param name="DtmfReceived">Key presses received.</param>
/// <param name="DtmfSent">Digits sent.</param>
/// <param name="LateSends">Packets sent over 5 ms late.</param>
/// <param name="LatenessP99Ms">99th percentile of send lateness, milliseconds.</param>
/// <param name="Sessions">RTP sessions registered now.</param>
public sealed record MediaStatus(
    long PacketsReceived,
    long PacketsSent,
    long PacketsIgnored,
    long DtmfReceived,
    long DtmfSent,
    long LateSends,
    double LatenessP99Ms,
    int Sessions);

/// <summary>Actor figures.</summary>
/// <param name="Live">Live actors by type.</param>
/// <param name="Messages">Messages processed by actor type.</param>
/// <param name="MeanHandlingMicros">Mean handling time of a message, microseconds, by actor type.</param>
/// <param name="Restarts">Restarts by actor type.</param>
/// <param name="DeadLetters">Dead letters since start.</param>
public sealed record ActorsStatus(
    IReadOnlyDictionary<string, long> Live,
    IReadOnlyDictionary<string, long> Messages,
    IReadOnlyDictionary<string, double> MeanHandlingMicros,
    IReadOnlyDictionary<string, long> Restarts,
    long DeadLetters);

/// <summary>One flow's counts since start.</summary>
/// <param name="Flow">The flow id.</param>
/// <param name="Version">The version live now, null when it is no longer loaded.</param>
/// <param name="Calls">Calls that started it (all versions).</param>
/// <param name="Outcomes">Ended runs by outcome.</param>
/// <param name="NoInput">No-input attempts.</param>
/// <param name="NoMatch">No-match attempts.</param>
/// <param name="Queued">Callers its queue steps queued, by skill.</param>
/// <param name="Abandoned">Callers who hung up while queued, by skill.</param>
public sealed record FlowStatus(
    string Flow,
    string? Version,
    long Calls,
    IReadOnlyDictionary<string, long> Outcomes,
    long NoInput,
    long NoMatch,
    IReadOnlyDictionary<string, long> Queued,
    IReadOnlyDictionary<string, long> Abandoned);

/// <summary>One skill's tile.</summary>
/// <param name="Skill">The skill.</param>
/// <param name="Waiting">Callers waiting.</param>
/// <param name="LongestWaitSeconds">Wait of the head of the queue.</param>
/// <param name="ExpectedWaitSeconds">Expected wait of a new caller, null when unknown.</param>
/// <param name="Agents">Agents by state.</param>
/// <param name="Arrivals">Arrivals over the window.</param>
/// <param name="Answered">Answered over the window.</param>
/// <param name="Abandoned">Abandoned over the window.</param>
/// <param name="AbandonmentRate">Abandonment rate over the window (0..1).</param>
/// <param name="ServiceLevel">Service level over the window (0..1), null when unknown.</param>
/// <param name="AsaSeconds">Average speed of answer, null when nobody was answered.</param>
/// <param name="CallbacksPending">Callbacks waiting to be dialled.</param>
/// <param name="CallbacksDialled">Callback attempts dialled.</param>
/// <param name="CallbacksFailed">Callbacks that failed.</param>
/// <param name="Messages">Voice messages recorded.</param>
public sealed record SkillTile(
    string Skill,
    int Waiting,
    double LongestWaitSeconds,
    double? ExpectedWaitSeconds,
    IReadOnlyDictionary<string, int> Agents,
    int Arrivals,
    int Answered,
    int Abandoned,
    double AbandonmentRate,
    double? ServiceLevel,
    double? AsaSeconds,
    int CallbacksPending,
    long CallbacksDialled,
    long CallbacksFailed,
    long Messages);
