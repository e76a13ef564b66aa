using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Calls;

/// <summary>
/// Flow figures (meter <c>Ivr.Flows</c>): calls per flow and version, step visits, no-input and no-match counts, outcomes,
/// callers queued and callers who hung up while queued, and the live calls by state (from the <see cref="CallBoard"/>).
/// Fed by each call's <see cref="CallTimeline"/> (the run's <c>IFlowRunObserver</c>); tags are bounded by the flows' own steps.
/// </summary>
public sealed class FlowMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Flows";

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public FlowMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.flow.calls", Calls.Observe, description: "Calls that started a flow, by flow and version");
        _meter.CreateObservableCounter("ivr.flow.step_visits", StepVisits.Observe, description: "Times a call entered a step, by flow and step");
        _meter.CreateObservableCounter("ivr.flow.no_input", NoInput.Observe, description: "Menu and digits attempts that timed out, by flow and step");
        _meter.CreateObservableCounter("ivr.flow.no_match", NoMatch.Observe, description: "Menu and digits attempts with input that matched nothing, by flow and step");
        _meter.CreateObservableCounter("ivr.flow.outcomes", Outcomes.Observe, description: "Flow runs ended, by flow and outcome");
        _meter.CreateObservableCounter("ivr.flow.queue.entered", QueueEntered.Observe, description: "Callers a queue step put in a queue, by flow and skill");
        _meter.CreateObservableCounter("ivr.flow.queue.abandoned", QueueAbandoned.Observe, description: "Callers who hung up while queued, by flow and skill");
    }

    /// <summary>Calls by flow and version.</summary>
    public TaggedCounts Calls { get; } = new("flow", "version");

    /// <summary>Step visits by flow and step.</summary>
    public TaggedCounts StepVisits { get; } = new("flow", "step");

    /// <summary>No-input attempts by flow and step.</summary>
    public TaggedCounts NoInput { get; } = new("flow", "step");

    /// <summary>No-match attempts by flow and step.</summary>
    public TaggedCounts NoMatch { get; } = new("flow", "step");

    /// <summary>Outcomes by flow and outcome code.</summary>
    public TaggedCounts Outcomes { get; } = new("flow", "outcome");

    /// <summary>Callers queued by flow and skill.</summary>
    public TaggedCounts QueueEntered { get; } = new("flow", "skill");

    /// <summary>Callers who hung up while queued, by flow and skill.</summary>
    public TaggedCounts QueueAbandoned { get; } = new("flow", "skill");

    /// <summary>Publishes <c>ivr.calls.live</c>: the live calls of <paramref name="board"/> by state (called once by the board).</summary>
    internal void ObserveLiveCalls(CallBoard board) =>
        _meter.CreateObservableUpDownCounter("ivr.calls.live", () => ObserveStates(board), description: "Live calls by state (answering, in-flow, queued, connected to an agent, transferring, recording, ending)");

    private static IEnumerable<Measurement<long>> ObserveStates(CallBoard board) =>
        board.LiveByState().Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("state", kv.Key)));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
