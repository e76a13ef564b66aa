using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>What one step kind does: compile its plan once per flow, then react to a run's events while the run is in a step
/// of that kind. Behaviours are stateless singletons; the per-call state lives in <see cref="FlowRun"/>.</summary>
internal abstract class StepBehavior
{
    /// <summary>The JSON <c>"type"</c> this behaviour runs.</summary>
    public abstract string Kind { get; }

    /// <summary>Builds the immutable plan of a step (resolved prompts, lookups, slots), shared by every call.</summary>
    public abstract object? Compile(Step step, FlowCompileContext ctx);

    /// <summary>The run entered the step.</summary>
    public abstract void Enter(FlowRun run, CompiledStep step);

    /// <summary>The prompt this step played finished.</summary>
    public virtual void PromptFinished(FlowRun run, CompiledStep step)
    {
    }

    /// <summary>A DTMF key.</summary>
    public virtual void Digit(FlowRun run, CompiledStep step, char key)
    {
    }

    /// <summary>A recognised utterance.</summary>
    public virtual void Heard(FlowRun run, CompiledStep step, string text, double confidence)
    {
    }

    /// <summary>The step's current timer expired.</summary>
    public virtual void TimerExpired(FlowRun run, CompiledStep step)
    {
    }

    /// <summary>A queue result.</summary>
    public virtual void QueueResult(FlowRun run, CompiledStep step, QueueOutcome outcome)
    {
    }

    /// <summary>A transfer result.</summary>
    public virtual void TransferResult(FlowRun run, CompiledStep step, bool ok)
    {
    }

    /// <summary>A finished recording.</summary>
    public virtual void RecordingFinished(FlowRun run, CompiledStep step, string path, double seconds)
    {
    }

    /// <summary>A recording that could not be kept.</summary>
    public virtual void RecordingFailed(FlowRun run, CompiledStep step, string reason)
    {
    }

    /// <summary>The answer to an HTTP request.</summary>
    public virtual void HttpResult(FlowRun run, CompiledStep step, HttpResult result)
    {
    }

    /// <summary>The agent hung up first while the caller was connected.</summary>
    public virtual void AgentLeft(FlowRun run, CompiledStep step)
    {
    }

    /// <summary>A callback booking result.</summary>
    public virtual void CallbackResult(FlowRun run, CompiledStep step, bool booked, string? number)
    {
    }
}

/// <summary>A behaviour typed by its model step and its compiled plan.</summary>
internal abstract class StepBehavior<TStep, TPlan> : StepBehavior
    where TStep : Step
    where TPlan : class
{
    public sealed override object? Compile(Step step, FlowCompileContext ctx) => Build((TStep)step, ctx);

    protected abstract TPlan Build(TStep step, FlowCompileContext ctx);

    protected static TPlan PlanOf(CompiledStep step) => (TPlan)step.Plan!;
}
