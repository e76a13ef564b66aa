using System.Text;
using System.Text.Json;

namespace Ivr.Flows.Schema;

/// <summary>
/// Renders the flow format reference (Markdown tables) from <c>flows.schema.json</c>, so the README's reference is
/// generated from the single source of truth and a test keeps the two equal.
/// </summary>
public static class SchemaReference
{
    /// <summary>The embedded schema's text.</summary>
    public static string EmbeddedSchemaText()
    {
        using var stream = typeof(SchemaReference).Assembly.GetManifestResourceStream("flows.schema.json")
            ?? throw new InvalidOperationException("flows.schema.json is not embedded in Ivr.Flows");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Markdown for the top level, every step kind and the shared objects of <paramref name="schemaJson"/>.</summary>
    public static string Generate(string schemaJson)
    {
        using var doc = JsonDocument.Parse(schemaJson);
        var root = doc.RootElement;
        var defs = root.GetProperty("$defs");
        var sb = new StringBuilder();
        sb.Append("#### Top level\n\n");
        Table(sb, root);

        var kinds = defs.GetProperty("step").GetProperty("properties").GetProperty("type").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        sb.Append("#### Steps\n\nEvery step is an object in `steps` with a `type`:\n\n");
        foreach (var kind in kinds)
        {
            if (!defs.TryGetProperty(kind + "Step", out var def)) continue;
            sb.Append("##### `").Append(kind).Append("`\n\n");
            if (def.TryGetProperty("description", out var d)) sb.Append(d.GetString()).Append("\n\n");
            Table(sb, def, skip: "type");
        }

        sb.Append("#### Shared objects\n\n");
        foreach (var def in defs.EnumerateObject())
        {
            if (def.Name == "step" || def.Name.EndsWith("Step", StringComparison.Ordinal)) continue;
            if (!def.Value.TryGetProperty("properties", out _)) continue;
            sb.Append("##### `").Append(def.Name).Append("`\n\n");
            if (def.Value.TryGetProperty("description", out var d)) sb.Append(d.GetString()).Append("\n\n");
            Table(sb, def.Value);
        }
        return sb.ToString().TrimEnd() + "\n";
    }

    private static void Table(StringBuilder sb, JsonElement obj, string? skip = null)
    {
        var required = obj.TryGetProperty("required", out var req)
            ? req.EnumerateArray().Select(e => e.GetString()).ToHashSet()
            : [];
        sb.Append("| property | type | required | default | description |\n|---|---|---|---|---|\n");
        foreach (var p in obj.GetProperty("properties").EnumerateObject())
        {
            if (p.Name == skip) continue;
            var def = p.Value.TryGetProperty("default", out var dv) ? "`" + dv.GetRawText() + "`" : "";
            var desc = p.Value.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
            sb.Append("| `").Append(p.Name).Append("` | ").Append(TypeOf(p.Value)).Append(" | ")
              .Append(required.Contains(p.Name) ? "yes" : "").Append(" | ").Append(def).Append(" | ")
              .Append(desc.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)).Append(" |\n");
        }
        sb.Append('\n');
    }

    private static string TypeOf(JsonElement s)
    {
        if (s.TryGetProperty("$ref", out var r)) return RefName(r.GetString()!);
        if (s.TryGetProperty("const", out var c)) return "`" + c.GetRawText() + "`";
        if (s.TryGetProperty("enum", out var e)) return string.Join(" \\| ", e.EnumerateArray().Select(v => "`" + v.GetRawText() + "`"));
        if (s.TryGetProperty("type", out var t))
        {
            var type = t.ValueKind == JsonValueKind.Array ? string.Join(" or ", t.EnumerateArray().Select(x => x.GetString())) : t.GetString()!;
            if (type == "array" && s.TryGetProperty("items", out var items)) return "array of " + TypeOf(items);
            if (type == "object" && s.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.Object)
                return "map of " + TypeOf(ap);
            if (s.TryGetProperty("minimum", out var min) && s.TryGetProperty("maximum", out var max)) return $"{type} ({min}–{max})";
            if (s.TryGetProperty("minimum", out var min2)) return $"{type} (≥ {min2})";
            return type;
        }
        foreach (var key in new[] { "oneOf", "anyOf" })
        {
            if (s.TryGetProperty(key, out var alts)) return string.Join(" or ", alts.EnumerateArray().Select(TypeOf));
        }
        return "any";
    }

    private static string RefName(string r) => "`" + r[(r.LastIndexOf('/') + 1)..] + "`";
}
