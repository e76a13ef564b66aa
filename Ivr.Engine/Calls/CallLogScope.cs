using System.Collections;

namespace Ivr.Engine.Calls;

/// <summary>
/// The logging scope of one call. Structured loggers (the JSON console formatter, OpenTelemetry) see the properties
/// <c>CallId</c>, <c>Flow</c> and <c>FlowVersion</c>; text loggers print <c>CallId=… Flow=id@version</c>.
/// </summary>
internal sealed class CallLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _items;
    private readonly string _text;

    public CallLogScope(string callId, string flow, string flowVersion)
    {
        _items =
        [
            new("CallId", callId),
            new("Flow", flow),
            new("FlowVersion", flowVersion),
        ];
        // Rendered once: a text formatter calls ToString for every line logged in the scope.
        _text = $"CallId={callId} Flow={flow}@{flowVersion}";
    }

    public int Count => _items.Length;

    public KeyValuePair<string, object?> this[int index] =>
        (uint)index < (uint)_items.Length ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _text;
}
