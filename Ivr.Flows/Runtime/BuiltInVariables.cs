namespace Ivr.Flows.Runtime;

/// <summary>The variables the host provides to every call (docs/flow-format.md), for hosts that must tell them from a flow's own.</summary>
public static class BuiltInVariables
{
    /// <summary>Every built-in name, <c>language</c> included.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(VariableTable.BuiltinNames, StringComparer.Ordinal);
}
