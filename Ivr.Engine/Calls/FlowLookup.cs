using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>
/// An <see cref="IFlowCatalog"/> over a lookup (the live catalog's <c>Find</c>, a test's fixed set), so the part that
/// loads flows needs to know nothing of calls.
/// </summary>
/// <param name="find">Returns the current compiled flow with an id, or null.</param>
public sealed class FlowLookup(Func<string, CompiledFlow?> find) : IFlowCatalog
{
    private readonly Func<string, CompiledFlow?> _find = find ?? throw new ArgumentNullException(nameof(find));

    /// <inheritdoc />
    public CompiledFlow? Find(string id) => _find(id);
}
