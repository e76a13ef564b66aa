namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// One AMI packet (a response or an event): its <c>Key: Value</c> fields in order (a key may repeat, e.g. <c>Output</c>),
/// and the raw lines of an old-style <c>Response: Follows</c> command output. Keys are compared without case.
/// </summary>
public sealed class AmiMessage
{
    /// <summary>Creates a packet from <paramref name="fields"/> and any raw <paramref name="output"/> lines.</summary>
    public AmiMessage(IReadOnlyList<KeyValuePair<string, string>> fields, IReadOnlyList<string>? output = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        Output = output ?? [];
    }

    /// <summary>The fields in the order received.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; }

    /// <summary>Raw output lines of a <c>Response: Follows</c> packet (without <c>--END COMMAND--</c>); empty otherwise.</summary>
    public IReadOnlyList<string> Output { get; }

    /// <summary>The event's name (<c>Event:</c>), null for a response.</summary>
    public string? EventName => this["Event"];

    /// <summary>The response's status (<c>Response:</c>: <c>Success</c>, <c>Error</c>, <c>Follows</c>, <c>Goodbye</c>), null for an event.</summary>
    public string? Response => this["Response"];

    /// <summary>The <c>ActionID</c> this packet answers, if any.</summary>
    public string? ActionId => this["ActionID"];

    /// <summary>True for a response whose status is <c>Success</c> or <c>Follows</c>.</summary>
    public bool IsSuccess => string.Equals(Response, "Success", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Response, "Follows", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first value of <paramref name="key"/>, null when absent.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var field in Fields)
            {
                if (string.Equals(field.Key, key, StringComparison.OrdinalIgnoreCase)) return field.Value;
            }
            return null;
        }
    }

    /// <summary>Every value of <paramref name="key"/>, in order (the <c>Output</c> lines of a command, say).</summary>
    public IEnumerable<string> All(string key) =>
        Fields.Where(f => string.Equals(f.Key, key, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Fields.Select(f => f.Key + ": " + f.Value));
}
