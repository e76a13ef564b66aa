using System.Globalization;
using System.Text.Json;

namespace Ivr.Flows.Json;

/// <summary>Builds and follows RFC 6901 JSON pointers.</summary>
public static class JsonPointer
{
    /// <summary>Escapes one reference token (RFC 6901 §3: <c>~</c> becomes <c>~0</c>, <c>/</c> becomes <c>~1</c>).</summary>
    public static string Escape(string token) =>
        token.Contains('~') || token.Contains('/') ? token.Replace("~", "~0").Replace("/", "~1") : token;

    /// <summary>Appends a property name to a pointer, escaping it.</summary>
    public static string Append(string pointer, string name) => pointer + "/" + Escape(name);

    /// <summary>Appends an array index to a pointer.</summary>
    public static string Append(string pointer, int index) =>
        pointer + "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Follows <paramref name="pointer"/> from <paramref name="root"/> (RFC 6901 §4: tokens unescaped <c>~1</c> then <c>~0</c>;
    /// an array index is decimal without a leading zero, and <c>-</c> names nothing). False when the pointer names nothing.
    /// </summary>
    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        if (pointer.Length == 0) return true;
        if (pointer[0] != '/') return false;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!value.TryGetProperty(token, out value)) return false;
                    break;
                case JsonValueKind.Array:
                    if (token.Length == 0 || (token.Length > 1 && token[0] == '0')
                        || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                        || index >= value.GetArrayLength()) return false;
                    value = value[index];
                    break;
                default:
                    return false;
            }
        }
        return true;
    }
}
