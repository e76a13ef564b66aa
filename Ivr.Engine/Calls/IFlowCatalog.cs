using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls;

/// <summary>The compiled flows a call can start; a call keeps the <see cref="CompiledFlow"/> it got even if the catalog is reloaded.</summary>
public interface IFlowCatalog
{
    /// <summary>The current compiled flow with <paramref name="id"/>, or null.</summary>
    CompiledFlow? Find(string id);
}
