using System.Collections;

namespace Ivr.Engine.Calls;

/// <summary>The second logging scope of a call: structured as <c>Flow</c> and <c>FlowVersion</c>, rendered as <c>Flow=id@version</c>.</summary>
internal sealed class CallFlowLogScope(string flow, string version) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _items = [new("Flow", flow), new("FlowVersion", version)];

    public int Count => _items.Length;

    public KeyValuePair<string, object?> this[int index] => _items[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"Flow={_items[0].Value}@{_items[1].Value}";
}
