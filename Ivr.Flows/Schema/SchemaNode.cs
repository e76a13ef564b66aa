using System.Text.RegularExpressions;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;

namespace Ivr.Flows.Schema;

/// <summary>One compiled (sub)schema: the keywords the validator understands, parsed once.</summary>
internal sealed class SchemaNode
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>For the boolean schemas <c>true</c> and <c>false</c>; null for object schemas.</summary>
    public bool? Constant { get; private init; }
    public string Location { get; private init; } = "#";
    public string? Description { get; private set; }
    public string? Title { get; private set; }
    public string? Code { get; private set; }
    public SchemaTypes Types { get; private set; }
    public string? Ref { get; private set; }
    public SchemaNode? RefTarget { get; private set; }
    public IReadOnlyList<KeyValuePair<string, SchemaNode>> Properties { get; private set; } = [];
    public IReadOnlyList<string> Required { get; private set; } = [];
    public SchemaNode? AdditionalProperties { get; private set; }
    public IReadOnlyList<(Regex Regex, SchemaNode Schema)> PatternProperties { get; private set; } = [];
    public SchemaNode? PropertyNames { get; private set; }
    public IReadOnlyList<PositionedNode>? Enum { get; private set; }
    public PositionedNode? Const { get; private set; }
    public Regex? Pattern { get; private set; }
    public double? Minimum { get; private set; }
    public double? Maximum { get; private set; }
    public double? ExclusiveMinimum { get; private set; }
    public double? ExclusiveMaximum { get; private set; }
    public int? MinLength { get; private set; }
    public int? MaxLength { get; private set; }
    public int? MinItems { get; private set; }
    public int? MaxItems { get; private set; }
    public int? MinProperties { get; private set; }
    public int? MaxProperties { get; private set; }
    public bool UniqueItems { get; private set; }
    public SchemaNode? Items { get; private set; }
    public IReadOnlyList<SchemaNode> PrefixItems { get; private set; } = [];
    public IReadOnlyList<SchemaNode> AllOf { get; private set; } = [];
    public IReadOnlyList<SchemaNode> AnyOf { get; private set; } = [];
    public IReadOnlyList<SchemaNode> OneOf { get; private set; } = [];
    public SchemaNode? Not { get; private set; }
    public SchemaNode? If { get; private set; }
    public SchemaNode? Then { get; private set; }
    public SchemaNode? Else { get; private set; }

    /// <summary>The schema of a named property, or null.</summary>
    public SchemaNode? PropertySchema(string name)
    {
        foreach (var p in Properties)
        {
            if (p.Key == name) return p.Value;
        }
        return null;
    }

    /// <summary>Compiles a schema document; only local references (<c>#</c>, <c>#/$defs/…</c>) are supported.</summary>
    public static SchemaNode CompileDocument(PositionedNode document)
    {
        var all = new List<SchemaNode>();
        var root = Compile(document, "#", all);
        var defs = new Dictionary<string, SchemaNode>(StringComparer.Ordinal) { ["#"] = root };
        if (document["$defs"] is { Kind: PositionedNodeKind.Object } defsNode)
        {
            foreach (var d in defsNode.Properties) defs["#/$defs/" + JsonPointer.Escape(d.Name)] = Compile(d.Value, "#/$defs/" + d.Name, all);
        }
        foreach (var s in all)
        {
            if (s.Ref is null) continue;
            s.RefTarget = defs.TryGetValue(s.Ref, out var target)
                ? target
                : throw new InvalidOperationException($"flows.schema.json: unsupported or dangling $ref '{s.Ref}' at {s.Location}");
        }
        return root;
    }

    private static SchemaNode Compile(PositionedNode json, string location, List<SchemaNode> all)
    {
        if (json.Kind == PositionedNodeKind.Boolean) return new SchemaNode { Constant = json.Boolean, Location = location };
        if (json.Kind != PositionedNodeKind.Object) throw new InvalidOperationException($"flows.schema.json: a schema must be an object or a boolean at {location}");
        var s = new SchemaNode { Location = location };
        all.Add(s);
        foreach (var p in json.Properties)
        {
            var v = p.Value;
            var at = location + "/" + p.Name;
            switch (p.Name)
            {
                case "description": s.Description = v.String; break;
                case "title": s.Title = v.String; break;
                case "x-ivr-code": s.Code = v.String; break;
                case "type":
                    s.Types = v.Kind == PositionedNodeKind.Array ? v.Items.Aggregate(SchemaTypes.None, (t, i) => t | ParseType(i.String)) : ParseType(v.String);
                    break;
                case "$ref": s.Ref = v.String; break;
                case "properties":
                    s.Properties = v.Properties.Select(x => KeyValuePair.Create(x.Name, Compile(x.Value, at + "/" + x.Name, all))).ToArray();
                    break;
                case "required": s.Required = v.Items.Select(i => i.String!).ToArray(); break;
                case "additionalProperties": s.AdditionalProperties = Compile(v, at, all); break;
                case "patternProperties":
                    s.PatternProperties = v.Properties.Select(x => (NewRegex(x.Name), Compile(x.Value, at + "/" + x.Name, all))).ToArray();
                    break;
                case "propertyNames": s.PropertyNames = Compile(v, at, all); break;
                case "enum": s.Enum = v.Items; break;
                case "const": s.Const = v; break;
                case "pattern": s.Pattern = NewRegex(v.String!); break;
                case "minimum": s.Minimum = v.Number; break;
                case "maximum": s.Maximum = v.Number; break;
                case "exclusiveMinimum": s.ExclusiveMinimum = v.Number; break;
                case "exclusiveMaximum": s.ExclusiveMaximum = v.Number; break;
                case "minLength": s.MinLength = (int)v.Number; break;
                case "maxLength": s.MaxLength = (int)v.Number; break;
                case "minItems": s.MinItems = (int)v.Number; break;
                case "maxItems": s.MaxItems = (int)v.Number; break;
                case "minProperties": s.MinProperties = (int)v.Number; break;
                case "maxProperties": s.MaxProperties = (int)v.Number; break;
                case "uniqueItems": s.UniqueItems = v.Boolean; break;
                case "items": s.Items = Compile(v, at, all); break;
                case "prefixItems": s.PrefixItems = v.Items.Select((x, i) => Compile(x, $"{at}/{i}", all)).ToArray(); break;
                case "allOf": s.AllOf = v.Items.Select((x, i) => Compile(x, $"{at}/{i}", all)).ToArray(); break;
                case "anyOf": s.AnyOf = v.Items.Select((x, i) => Compile(x, $"{at}/{i}", all)).ToArray(); break;
                case "oneOf": s.OneOf = v.Items.Select((x, i) => Compile(x, $"{at}/{i}", all)).ToArray(); break;
                case "not": s.Not = Compile(v, at, all); break;
                case "if": s.If = Compile(v, at, all); break;
                case "then": s.Then = Compile(v, at, all); break;
                case "else": s.Else = Compile(v, at, all); break;
                case "$defs" or "$schema" or "$id" or "$comment" or "default" or "examples" or "deprecated" or "readOnly" or "writeOnly":
                    break;
                default:
                    throw new InvalidOperationException($"flows.schema.json: keyword '{p.Name}' at {location} is not supported by the validator");
            }
        }
        return s;
    }

    private static Regex NewRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant, RegexTimeout);

    private static SchemaTypes ParseType(string? name) => name switch
    {
        "object" => SchemaTypes.Object,
        "array" => SchemaTypes.Array,
        "string" => SchemaTypes.String,
        "number" => SchemaTypes.Number,
        "integer" => SchemaTypes.Integer,
        "boolean" => SchemaTypes.Boolean,
        "null" => SchemaTypes.Null,
        _ => throw new InvalidOperationException($"flows.schema.json: unknown type '{name}'"),
    };
}
