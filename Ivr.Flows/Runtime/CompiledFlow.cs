using System.Collections.Concurrent;
using Ivr.Flows.Model;
using Stateless.Reflection;

namespace Ivr.Flows.Runtime;

/// <summary>
/// A flow compiled once and shared, read-only, by every call on it: steps with their edges and plans (prompts resolved per
/// locale, phrase and key lookups, regexes, conditions, variable slots), and the Stateless configuration of the flow graph.
/// </summary>
/// <remarks>
/// <para><b>The shared machine.</b> States are <see cref="CompiledStep"/>s, triggers are <see cref="FlowTrigger"/>s (one per
/// edge of <see cref="Model.Steps.Step.Links"/>), <c>Permit</c>/<c>PermitReentry</c> are the flow's edges and each state's
/// <c>OnEntry</c> starts that step's behaviour. Stateless keeps its configuration per machine instance and a configured
/// machine is not thread-safe while firing, so this flow owns a small pool of configured machines built with Stateless's
/// external-state-storage constructor: a run leases one for one synchronous <c>Fire</c>, the machine reads and writes the
/// run's current step, and the lease goes back to the pool. The pool grows to the number of fires in progress at once
/// (about the number of threads), never with the number of calls.</para>
/// <para><b>Where the bytes go.</b> Per flow: the steps, plans and one configured machine per concurrent fire. Per call
/// (<see cref="FlowRun"/>): one object of a dozen fields plus one string slot per variable the flow can touch
/// (built-ins included); a digit buffer, a subflow frame stack and a deferred-event queue only when used. Per event:
/// the effect records emitted and, per step transition, what Stateless allocates to fire a trigger.</para>
/// <para>Measured (bench/Ivr.Benchmarks, .NET 10): a run is 232 bytes when created (the object and its variable slots);
/// 100,000 live runs waiting at a menu retain about 31 MB (≈325 bytes each, the host's CallInfo strings included). A call
/// through menu → 8 digits → queue allocates 3,296 bytes whatever the flow's size: ≈2 KB are Stateless's two
/// <c>Fire</c>s (its handler lookup and <c>Transition</c> objects, ≈1 KB per fire), the rest effect records and the
/// digit string; it costs ≈2 µs of CPU.</para>
/// </remarks>
public sealed class CompiledFlow
{
    private readonly ConcurrentBag<MachineLease> _pool = [];
    private readonly CompiledStep[] _steps;
    private readonly Dictionary<string, CompiledStep> _byName;
    private readonly string[] _languages;

    internal CompiledFlow(FlowDocument document, CompiledStep[] steps, CompiledStep start, string[] languages, VariableTable variables)
    {
        Document = document;
        _steps = steps;
        Start = start;
        _languages = languages;
        Variables = variables;
        DefaultLocale = Math.Max(0, Array.IndexOf(languages, document.Language));
        _byName = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _pool.Add(new MachineLease(this));
    }

    /// <summary>The flow's id.</summary>
    public string Id => Document.Id;

    /// <summary>The flow's version.</summary>
    public string Version => Document.Version;

    /// <summary>The document it was compiled from.</summary>
    public FlowDocument Document { get; }

    /// <summary>Steps in file order.</summary>
    public IReadOnlyList<CompiledStep> Steps => _steps;

    /// <summary>The start step.</summary>
    public CompiledStep Start { get; }

    /// <summary>Locales the flow supports, the default included.</summary>
    public IReadOnlyList<string> Languages => _languages;

    /// <summary>Every variable name a run of this flow holds (built-ins, declared, and those the steps use).</summary>
    public IReadOnlyList<string> VariableNames => Variables.Names;

    internal VariableTable Variables { get; }

    internal int DefaultLocale { get; }

    /// <summary>The step named <paramref name="name"/>, or null.</summary>
    public CompiledStep? FindStep(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Creates the run of one call; call <see cref="FlowRun.Start"/> to begin.</summary>
    public FlowRun CreateRun(IFlowHost host, CallInfo call, TimeProvider? time = null) => new(this, host, call, time ?? TimeProvider.System);

    /// <summary>The Stateless description of the flow graph (states, triggers, entry actions), for exporters.</summary>
    public StateMachineInfo GetInfo()
    {
        var lease = Rent();
        try
        {
            return lease.Machine.GetInfo();
        }
        finally
        {
            Return(lease);
        }
    }

    /// <summary>Index into <see cref="Languages"/> of a locale, or the default's when the flow lacks it.</summary>
    internal int LocaleIndex(string language)
    {
        var langs = _languages;
        for (var i = 0; i < langs.Length; i++)
        {
            if (string.Equals(langs[i], language, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return DefaultLocale;
    }

    internal MachineLease Rent() => _pool.TryTake(out var lease) ? lease : new MachineLease(this);

    internal void Return(MachineLease lease)
    {
        lease.Run = null;
        _pool.Add(lease);
    }

    /// <summary>The id and version.</summary>
    public override string ToString() => $"{Id}@{Version}";
}
