using System.Collections;

namespace Ivr.Engine.Calls;

/// <summary>The logging scope of one call: structured as <c>CallId</c>, rendered as <c>CallId=…</c> by text loggers.</summary>
internal sealed class CallLogScope(string callId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _item = new("CallId", callId);

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _item : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _item;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => "CallId=" + _item.Value;
}
