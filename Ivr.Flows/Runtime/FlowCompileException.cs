namespace Ivr.Flows.Runtime;

/// <summary>Thrown by <see cref="FlowCompiler.Compile"/> when a flow cannot run (unknown target, prompt, calendar, bad regex…);
/// lint the flow first to get positioned diagnostics.</summary>
public sealed class FlowCompileException : Exception
{
    /// <summary>Creates the exception from every problem found.</summary>
    public FlowCompileException(string flowId, IReadOnlyList<string> errors)
        : base($"Flow '{flowId}' cannot be compiled: {string.Join("; ", errors)}")
    {
        Errors = errors;
    }

    /// <summary>Each problem, with the JSON pointer it concerns.</summary>
    public IReadOnlyList<string> Errors { get; }
}
