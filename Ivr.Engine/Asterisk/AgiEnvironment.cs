using System.Globalization;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// The variables Asterisk sends first on a FastAGI connection (<c>agi_name: value</c> lines ended by an empty line): the
/// script asked for, the channel, its caller and its unique id. <see cref="Parse"/> is strict and bounded: anything else is
/// an <see cref="AgiProtocolException"/>.
/// </summary>
public sealed class AgiEnvironment
{
    /// <summary>Most lines an environment may have (Asterisk sends about 25, plus one per argument).</summary>
    public const int MaxLines = 256;

    private readonly Dictionary<string, string> _values;

    private AgiEnvironment(Dictionary<string, string> values) => _values = values;

    /// <summary>Every variable by name (<c>agi_channel</c>, <c>agi_arg_1</c>…).</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary><c>agi_network_script</c>: what followed the host in <c>agi://host:port/…</c> (may carry <c>?query</c>).</summary>
    public string Script => Get("agi_network_script") ?? string.Empty;

    /// <summary>The flow id asked for: the script's first path segment, without any query (<c>hotline</c> for <c>hotline/x?y=1</c>).</summary>
    public string FlowId
    {
        get
        {
            var script = Script;
            var query = script.IndexOf('?', StringComparison.Ordinal);
            if (query >= 0) script = script[..query];
            script = script.Trim('/');
            var slash = script.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? script : script[..slash];
        }
    }

    /// <summary><c>agi_channel</c>, e.g. <c>PJSIP/sipp-00000001</c>.</summary>
    public string Channel => Get("agi_channel") ?? string.Empty;

    /// <summary><c>agi_uniqueid</c>: the channel's unique id (the call's id on the engine, prefixed).</summary>
    public string UniqueId => Get("agi_uniqueid") ?? string.Empty;

    /// <summary><c>agi_callerid</c>, or empty when Asterisk says <c>unknown</c>.</summary>
    public string CallerId => Known(Get("agi_callerid"));

    /// <summary><c>agi_calleridname</c>, or null when unknown.</summary>
    public string? CallerName => Known(Get("agi_calleridname")) is { Length: > 0 } name ? name : null;

    /// <summary><c>agi_extension</c>: what the caller dialled in the dial plan.</summary>
    public string Extension => Get("agi_extension") ?? string.Empty;

    /// <summary><c>agi_context</c>.</summary>
    public string Context => Get("agi_context") ?? string.Empty;

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses the environment's lines (without the closing empty line). Each must be <c>agi_name: value</c>; the names
    /// <c>agi_network_script</c>, <c>agi_channel</c> and <c>agi_uniqueid</c> are required.
    /// </summary>
    public static AgiEnvironment Parse(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0) throw new AgiProtocolException("empty AGI environment");
        if (lines.Count > MaxLines) throw new AgiProtocolException($"AGI environment over {MaxLines} lines");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line.StartsWith("agi_", StringComparison.Ordinal))
            {
                throw new AgiProtocolException(string.Create(CultureInfo.InvariantCulture, $"AGI environment line {i + 1} is not 'agi_name: value': '{Shorten(line)}'"));
            }
            var name = line[..colon];
            if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                throw new AgiProtocolException(string.Create(CultureInfo.InvariantCulture, $"AGI environment line {i + 1} has a bad name '{Shorten(name)}'"));
            }
            values[name] = line[(colon + 1)..].Trim();
        }
        foreach (var required in new[] { "agi_network_script", "agi_channel", "agi_uniqueid" })
        {
            if (!values.TryGetValue(required, out var value) || value.Length == 0) throw new AgiProtocolException($"AGI environment without {required}");
        }
        return new AgiEnvironment(values);
    }

    private static string Known(string? value) =>
        value is null || string.Equals(value, "unknown", StringComparison.OrdinalIgnoreCase) ? string.Empty : value;

    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
