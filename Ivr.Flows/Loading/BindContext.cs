using System.Globalization;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Model;

namespace Ivr.Flows.Loading;

/// <summary>Reading helpers for the binder over a schema-valid tree, plus the diagnostics binding finds.</summary>
internal sealed class BindContext(string file)
{
    public string File { get; } = file;

    public List<Diagnostic> Diagnostics { get; } = [];

    public void Error(string code, PositionedNode at, string message, string? hint = null) =>
        Diagnostics.Add(new Diagnostic(code, Severity.Error, File, at.Line, at.Column, at.Pointer, message, hint));

    public static string? OptString(PositionedNode obj, string name) =>
        obj[name] is { Kind: PositionedNodeKind.String } v ? v.String : null;

    public static string Str(PositionedNode obj, string name, string fallback = "") => OptString(obj, name) ?? fallback;

    /// <summary>A string value, or any other scalar as written.</summary>
    public static string Text(PositionedNode node) => node.Kind == PositionedNodeKind.String ? node.String! : node.ToText();

    public static bool Bool(PositionedNode obj, string name, bool fallback) =>
        obj[name] is { Kind: PositionedNodeKind.Boolean } v ? v.Boolean : fallback;

    public static double? OptDouble(PositionedNode obj, string name) =>
        obj[name] is { Kind: PositionedNodeKind.Number } v ? v.Number : null;

    public static double Double(PositionedNode obj, string name, double fallback) => OptDouble(obj, name) ?? fallback;

    public static int? OptInt(PositionedNode obj, string name) =>
        obj[name] is { Kind: PositionedNodeKind.Number } v && v.Number is >= int.MinValue and <= int.MaxValue
            ? (int)v.Number
            : null;

    public static int Int(PositionedNode obj, string name, int fallback) => OptInt(obj, name) ?? fallback;

    /// <summary>Object members as a name → string map in file order.</summary>
    public static IReadOnlyDictionary<string, string> StringMap(PositionedNode? obj)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj is null) return map;
        foreach (var p in obj.Properties) map[p.Name] = Text(p.Value);
        return map;
    }

    /// <summary>A prompt reference: a name, an inline <c>{text}</c>/<c>{sound}</c>, or an array of those.</summary>
    public static PromptRef? OptPrompt(PositionedNode obj, string name) => obj[name] is { } v ? Prompt(v) : null;

    public static PromptRef Prompt(PositionedNode node)
    {
        var items = node.Kind == PositionedNodeKind.Array
            ? node.Items.Select(PromptItemOf).ToArray()
            : [PromptItemOf(node)];
        return new PromptRef(items, node.Pointer);
    }

    public static IReadOnlyList<PromptRef> Prompts(PositionedNode obj, string name) =>
        obj[name] is { Kind: PositionedNodeKind.Array } v ? v.Items.Select(Prompt).ToArray() : [];

    private static PromptItem PromptItemOf(PositionedNode node) => node.Kind == PositionedNodeKind.String
        ? new PromptItem(node.String, null, null, node.Pointer)
        : new PromptItem(null, OptString(node, "sound"), OptString(node, "text"), node.Pointer);

    public static string Invariant(double x) => x.ToString(CultureInfo.InvariantCulture);
}
