namespace Ivr.Flows.Runtime;

/// <summary>What a run is waiting for from its host; lets a simulator or a test answer the right event.</summary>
public enum FlowWait
{
    /// <summary>Not started yet.</summary>
    NotStarted,
    /// <summary>A prompt is playing: <see cref="FlowRun.PromptFinished"/>.</summary>
    Prompt,
    /// <summary>Caller input, or the armed timer (<see cref="FlowRun.ActiveTimer"/>).</summary>
    Input,
    /// <summary>A queue result: <see cref="FlowRun.QueueResult"/>.</summary>
    Queue,
    /// <summary>A transfer result: <see cref="FlowRun.TransferResult"/>.</summary>
    Transfer,
    /// <summary>A recording: <see cref="FlowRun.RecordingFinished"/>.</summary>
    Recording,
    /// <summary>A callback booking result: <see cref="FlowRun.CallbackResult"/>.</summary>
    Callback,
    /// <summary>An HTTP answer: <see cref="FlowRun.HttpResult"/>.</summary>
    Http,
    /// <summary>Connected to an agent in a queue step with <c>afterAgent</c>: <see cref="FlowRun.AgentLeft"/> (or a hang-up).</summary>
    Agent,
    /// <summary>The run has ended; every event is ignored.</summary>
    Ended,
}
