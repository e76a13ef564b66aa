namespace Ivr.Flows.Runtime;

/// <summary>How a queue step ended, as reported by the host through <see cref="FlowRun.QueueResult"/>.</summary>
public enum QueueOutcome
{
    /// <summary>An agent answered: the flow ends with outcome <c>connected:&lt;skill&gt;</c>.</summary>
    Connected,
    /// <summary>The caller accepted a callback: the flow continues at <c>onCallback</c>.</summary>
    Callback,
    /// <summary>The caller chose to leave a message: the flow continues at <c>onMessage</c>.</summary>
    Message,
    /// <summary>Queue closed, no agents or <c>maxWait</c> reached: the flow continues at <c>onFailure</c>.</summary>
    Failed,
}
