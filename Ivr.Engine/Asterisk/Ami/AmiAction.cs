using System.Text;

namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// An AMI action to send: its name and fields. Values are checked when added: a CR, LF or other control character is
/// refused (an <see cref="ArgumentException"/>), so no value — a caller's name, a variable — can inject a second line or
/// action. The client adds the <c>ActionID</c>.
/// </summary>
public sealed class AmiAction
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    /// <summary>An action named <paramref name="name"/> (<c>Ping</c>, <c>Getvar</c>, <c>QueueStatus</c>…).</summary>
    public AmiAction(string name)
    {
        Check("Action", name);
        Name = name;
    }

    /// <summary>The action's name.</summary>
    public string Name { get; }

    /// <summary>The fields after <c>Action</c>, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>Adds <paramref name="key"/>: <paramref name="value"/> and returns this action.</summary>
    public AmiAction With(string key, string value)
    {
        Check(key, value);
        if (string.Equals(key, "ActionID", StringComparison.OrdinalIgnoreCase) || string.Equals(key, "Action", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{key}' is set by the client.", nameof(key));
        }
        _fields.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>The wire form with <paramref name="actionId"/>: <c>Action: …\r\nActionID: …\r\n…\r\n\r\n</c>.</summary>
    public byte[] Encode(string actionId)
    {
        var text = new StringBuilder();
        text.Append("Action: ").Append(Name).Append("\r\n");
        text.Append("ActionID: ").Append(actionId).Append("\r\n");
        foreach (var (key, value) in _fields) text.Append(key).Append(": ").Append(value).Append("\r\n");
        text.Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static void Check(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in key)
        {
            if (c <= ' ' || c > '~' || c == ':') throw new ArgumentException($"AMI key '{AmiPacketParser.Printable(key)}' is not a key.", nameof(key));
        }
        foreach (var c in value)
        {
            if (char.IsControl(c) && c != '\t') throw new ArgumentException($"AMI value of '{key}' holds a control character.", nameof(value));
        }
    }
}
