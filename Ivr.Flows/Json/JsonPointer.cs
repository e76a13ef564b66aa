namespace Ivr.Flows.Json;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
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
}
