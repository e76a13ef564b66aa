using System.Globalization;
using System.Text.RegularExpressions;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;

namespace Ivr.Flows.Schema;

/// <summary>
/// Validates a <see cref="PositionedNode"/> tree against the draft 2020-12 keywords flows.schema.json uses (local $ref only).
/// Hand-written because no 2020-12 validator restores here: JsonSchema.Net needs the absent JsonPointer.Net, and
/// NJsonSchema 11 silently ignores if/then/else and reports dotted paths instead of RFC 6901 pointers.
/// Walking our own positioned tree gives each diagnostic an exact line, column and pointer, and lets errors be
/// explained per step kind (if/then) with did-you-mean hints instead of "does not match oneOf".
/// </summary>
public sealed class JsonSchemaValidator
{
    private static readonly Lazy<JsonSchemaValidator> FlowsInstance = new(LoadFlowsSchema);
    private readonly SchemaNode _root;

    private JsonSchemaValidator(SchemaNode root) => _root = root;

    /// <summary>The validator for <c>flows.schema.json</c>, compiled once from the embedded resource.</summary>
    public static JsonSchemaValidator Flows => FlowsInstance.Value;

    /// <summary>Compiles a schema document; throws <see cref="InvalidOperationException"/> on keywords it does not support.</summary>
    public static JsonSchemaValidator Compile(PositionedNode schema) => new(SchemaNode.CompileDocument(schema));

    /// <summary>Every violation of the schema by <paramref name="instance"/>, sorted by line and column.</summary>
    public IReadOnlyList<Diagnostic> Validate(PositionedNode instance, string file)
    {
        var errors = new List<Diagnostic>();
        new Run(file).Validate(_root, instance, errors);
        // Overlapping keywords (a property's own type and an if/then refinement) may flag a value's type twice: keep the first.
        return errors.DistinctBy(d => d.Code == DiagnosticCodes.WrongType ? d with { Message = string.Empty, Hint = null } : d)
            .OrderBy(d => d.Line).ThenBy(d => d.Column).ThenBy(d => d.Code, StringComparer.Ordinal).ToArray();
    }

    private static JsonSchemaValidator LoadFlowsSchema()
    {
        using var stream = typeof(JsonSchemaValidator).Assembly.GetManifestResourceStream("flows.schema.json")
            ?? throw new InvalidOperationException("the flows.schema.json resource is missing from Ivr.Flows");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var parsed = PositionedJsonReader.Parse(memory.ToArray(), "flows.schema.json", maxDepth: 256);
        if (parsed.Root is null) throw new InvalidOperationException("flows.schema.json is not valid JSON: " + string.Join("; ", parsed.Diagnostics));
        return Compile(parsed.Root);
    }

    private sealed class Run(string file)
    {
        public void Validate(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            if (s.Constant is { } constant)
            {
                if (!constant) Add(errors, DiagnosticCodes.SchemaViolation, n, "this value is not allowed here", null);
                return;
            }
            if (s.RefTarget is not null) Validate(s.RefTarget, n, errors);
            if (s.Types != SchemaTypes.None && !Accepts(s.Types, n))
            {
                Add(errors, DiagnosticCodes.WrongType, n, $"expected {Describe(s.Types)}, got {Describe(n)}", s.Description);
                return;
            }
            ValidateValue(s, n, errors);
            switch (n.Kind)
            {
                case PositionedNodeKind.String: ValidateString(s, n, errors); break;
                case PositionedNodeKind.Number: ValidateNumber(s, n, errors); break;
                case PositionedNodeKind.Object: ValidateObject(s, n, errors); break;
                case PositionedNodeKind.Array: ValidateArray(s, n, errors); break;
            }
            foreach (var sub in s.AllOf) Validate(sub, n, errors);
            if (s.AnyOf.Count > 0) ValidateAlternatives(s.AnyOf, n, errors, exactlyOne: false);
            if (s.OneOf.Count > 0) ValidateAlternatives(s.OneOf, n, errors, exactlyOne: true);
            if (s.Not is not null && IsValid(s.Not, n))
                Add(errors, DiagnosticCodes.SchemaViolation, n, "this value matches a form that is not allowed here", s.Not.Description);
            if (s.If is not null)
            {
                var branch = IsValid(s.If, n) ? s.Then : s.Else;
                if (branch is not null) Validate(branch, n, errors);
            }
        }

        private bool IsValid(SchemaNode s, PositionedNode n)
        {
            var scratch = new List<Diagnostic>();
            Validate(s, n, scratch);
            return scratch.Count == 0;
        }

        private void ValidateValue(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            if (s.Const is not null && !n.JsonEquals(s.Const))
                Add(errors, s.Code ?? DiagnosticCodes.ValueNotAllowed, n, $"{Quote(n)} is not allowed here: the value must be {Quote(s.Const)}", s.Description);
            if (s.Enum is not null && !s.Enum.Any(n.JsonEquals))
            {
                var allowed = string.Join(", ", s.Enum.Select(e => e.ToText()));
                var guess = n.Kind == PositionedNodeKind.String
                    ? Suggestions.DidYouMean(n.String!, s.Enum.Where(e => e.Kind == PositionedNodeKind.String).Select(e => e.String!))
                    : null;
                var isStepType = s.Code == DiagnosticCodes.UnknownStepType;
                var list = isStepType ? $"step types: {allowed}" : $"allowed: {allowed}";
                var hint = guess is null ? list : $"{guess} {list}";
                var message = isStepType ? $"unknown step type {Quote(n)}" : $"{Quote(n)} is not one of the allowed values";
                Add(errors, s.Code ?? DiagnosticCodes.ValueNotAllowed, n, message, hint);
            }
        }

        private void ValidateString(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            var text = n.String!;
            if (s.MinLength is not null || s.MaxLength is not null)
            {
                // JSON Schema counts code points, not UTF-16 units.
                var length = text.EnumerateRunes().Count();
                if (length < s.MinLength)
                    Add(errors, DiagnosticCodes.WrongCount, n, length == 0 ? "the text must not be empty" : $"the text has {length} characters, fewer than {s.MinLength}", s.Description);
                if (length > s.MaxLength)
                    Add(errors, DiagnosticCodes.WrongCount, n, $"the text has {length} characters, more than {s.MaxLength}", s.Description);
            }
            if (s.Pattern is not null && !Matches(s.Pattern, text))
                Add(errors, DiagnosticCodes.PatternMismatch, n, $"'{text}' does not match the pattern {s.Pattern}", s.Description);
        }

        private void ValidateNumber(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            var x = n.Number;
            var text = n.ToText();
            if (x < s.Minimum) Add(errors, DiagnosticCodes.OutOfRange, n, $"{text} is below the minimum {Num(s.Minimum.Value)}", s.Description);
            if (x > s.Maximum) Add(errors, DiagnosticCodes.OutOfRange, n, $"{text} is above the maximum {Num(s.Maximum.Value)}", s.Description);
            if (x <= s.ExclusiveMinimum) Add(errors, DiagnosticCodes.OutOfRange, n, $"{text} must be greater than {Num(s.ExclusiveMinimum.Value)}", s.Description);
            if (x >= s.ExclusiveMaximum) Add(errors, DiagnosticCodes.OutOfRange, n, $"{text} must be less than {Num(s.ExclusiveMaximum.Value)}", s.Description);
        }

        private void ValidateObject(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            foreach (var name in s.Required)
            {
                if (n.Property(name) is not null) continue;
                var doc = s.PropertySchema(name) is { } ps ? Describe(ps) : null;
                Add(errors, DiagnosticCodes.MissingProperty, n, $"missing required property '{name}'{In(s)}", doc is null ? null : $"'{name}': {doc}");
            }
            foreach (var p in n.Properties)
            {
                if (s.PropertyNames is not null)
                {
                    var key = PositionedNode.NewString(p.Name, p.Value.Pointer, p.Line, p.Column);
                    Validate(s.PropertyNames, key, errors);
                }
                var known = false;
                if (s.PropertySchema(p.Name) is { } declared)
                {
                    known = true;
                    if (declared.Constant == false)
                    {
                        AddAt(errors, DiagnosticCodes.UnknownProperty, p, $"property '{p.Name}' is not allowed here", null);
                        continue;
                    }
                    Validate(declared, p.Value, errors);
                }
                foreach (var (regex, schema) in s.PatternProperties)
                {
                    if (!Matches(regex, p.Name)) continue;
                    known = true;
                    Validate(schema, p.Value, errors);
                }
                if (known || s.AdditionalProperties is null) continue;
                if (s.AdditionalProperties.Constant == false)
                {
                    var guess = Suggestions.Closest(p.Name, s.Properties.Select(x => x.Key));
                    var hint = guess switch
                    {
                        null when s.Properties.Count == 0 => null,
                        null => "allowed here: " + string.Join(", ", s.Properties.Select(x => x.Key)),
                        _ when n.Property(guess) is not null => $"did you mean '{guess}'? (it is already set: remove this one)",
                        _ => $"did you mean '{guess}'?",
                    };
                    AddAt(errors, DiagnosticCodes.UnknownProperty, p, $"unknown property '{p.Name}'{In(s)}", hint);
                }
                else
                {
                    Validate(s.AdditionalProperties, p.Value, errors);
                }
            }
            var count = n.Properties.Count;
            if (count < s.MinProperties)
                Add(errors, DiagnosticCodes.WrongCount, n, $"expected at least {Plural(s.MinProperties.Value, "property", "properties")}, got {count}", s.Description);
            if (count > s.MaxProperties)
                Add(errors, DiagnosticCodes.WrongCount, n, $"expected at most {Plural(s.MaxProperties.Value, "property", "properties")}, got {count}", s.Description);
        }

        private void ValidateArray(SchemaNode s, PositionedNode n, List<Diagnostic> errors)
        {
            for (var i = 0; i < n.Items.Count; i++)
            {
                var schema = i < s.PrefixItems.Count ? s.PrefixItems[i] : s.Items;
                if (schema is not null) Validate(schema, n.Items[i], errors);
            }
            var count = n.Items.Count;
            if (count < s.MinItems)
                Add(errors, DiagnosticCodes.WrongCount, n, $"expected at least {Plural(s.MinItems.Value, "item", "items")}, got {count}", s.Description);
            if (count > s.MaxItems)
                Add(errors, DiagnosticCodes.WrongCount, n, $"expected at most {Plural(s.MaxItems.Value, "item", "items")}, got {count}", s.Description);
            if (!s.UniqueItems) return;
            for (var i = 1; i < count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (!n.Items[i].JsonEquals(n.Items[j])) continue;
                    Add(errors, DiagnosticCodes.DuplicateItem, n.Items[i], $"{Quote(n.Items[i])} appears more than once (first at index {j})", "remove the duplicate");
                    break;
                }
            }
        }

        /// <summary>
        /// anyOf/oneOf: when no alternative fits, report the errors of the one the author most plausibly meant
        /// (the only one accepting the value's JSON type, else the one sharing most property names) instead of a vague summary.
        /// </summary>
        private void ValidateAlternatives(IReadOnlyList<SchemaNode> alternatives, PositionedNode n, List<Diagnostic> errors, bool exactlyOne)
        {
            var results = alternatives.Select(a =>
            {
                var list = new List<Diagnostic>();
                Validate(a, n, list);
                return (Schema: a, Errors: list);
            }).ToArray();
            var passing = results.Count(r => r.Errors.Count == 0);
            if (passing == 1 || (passing > 1 && !exactlyOne)) return;
            if (passing > 1)
            {
                Add(errors, DiagnosticCodes.SchemaViolation, n, "this value matches more than one of the allowed forms", null);
                return;
            }
            var typed = results.Where(r => Accepts(DeclaredTypes(r.Schema), n)).ToArray();
            if (typed.Length == 0)
            {
                var all = results.Aggregate(SchemaTypes.None, (t, r) => t | DeclaredTypes(r.Schema));
                Add(errors, DiagnosticCodes.WrongType, n, $"expected {Describe(all)}, got {Describe(n)}", null);
                return;
            }
            if (typed.All(r => r.Errors.Count == 1 && r.Errors[0].Code == DiagnosticCodes.MissingProperty && r.Errors[0].Pointer == n.Pointer))
            {
                var names = typed.Select(r => r.Errors[0].Message[(r.Errors[0].Message.IndexOf('\'', StringComparison.Ordinal))..]);
                Add(errors, DiagnosticCodes.MissingProperty, n, "missing required property: one of " + string.Join(", ", names.Distinct()), null);
                return;
            }
            var scored = typed
                .Select(r => (r.Errors, Score: n.Kind == PositionedNodeKind.Object ? n.Properties.Count(p => KnownProperties(r.Schema).Contains(p.Name)) : 0))
                .OrderByDescending(r => r.Score)
                .ThenBy(r => r.Errors.Count)
                .ToArray();
            if (n.Kind == PositionedNodeKind.Object && scored[0].Score == 0 && typed.Length > 1)
            {
                ReportUnrecognisedObject(typed.Select(r => r.Schema).ToArray(), n, errors);
                return;
            }
            errors.AddRange(scored[0].Errors);
        }

        /// <summary>An object that shares no property with any alternative: name the forms it could take.</summary>
        private void ReportUnrecognisedObject(IReadOnlyList<SchemaNode> alternatives, PositionedNode n, List<Diagnostic> errors)
        {
            var known = alternatives.SelectMany(a => KnownProperties(a)).Distinct().ToArray();
            foreach (var p in n.Properties)
            {
                var guess = Suggestions.DidYouMean(p.Name, known);
                AddAt(errors, DiagnosticCodes.UnknownProperty, p, $"unknown property '{p.Name}'", guess ?? "allowed here: " + string.Join(", ", known));
            }
            var forms = alternatives.Select(a => string.Join(" + ", RequiredProperties(a).Select(r => $"'{r}'"))).Where(f => f.Length > 0).Distinct();
            Add(errors, DiagnosticCodes.MissingProperty, n, "missing required property: one of " + string.Join(", ", forms), null);
        }

        private static IReadOnlyList<string> RequiredProperties(SchemaNode s)
        {
            for (var depth = 0; depth < 32; depth++)
            {
                if (s.Required.Count > 0 || s.RefTarget is null) return s.Required;
                s = s.RefTarget;
            }
            return [];
        }

        private static SchemaTypes DeclaredTypes(SchemaNode s)
        {
            for (var depth = 0; depth < 32; depth++)
            {
                if (s.Constant is not null) return s.Constant.Value ? All : SchemaTypes.None;
                if (s.Types != SchemaTypes.None) return s.Types;
                if (s.AnyOf.Count > 0 || s.OneOf.Count > 0)
                    return s.AnyOf.Concat(s.OneOf).Aggregate(SchemaTypes.None, (t, a) => t | DeclaredTypes(a));
                if (s.RefTarget is null) return All;
                s = s.RefTarget;
            }
            return All;
        }

        private const SchemaTypes All = SchemaTypes.Object | SchemaTypes.Array | SchemaTypes.String | SchemaTypes.Number | SchemaTypes.Boolean | SchemaTypes.Null;

        private static HashSet<string> KnownProperties(SchemaNode s)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var depth = 0; depth < 32 && s is not null; depth++)
            {
                foreach (var p in s.Properties) names.Add(p.Key);
                s = s.RefTarget!;
            }
            return names;
        }

        private static bool Accepts(SchemaTypes types, PositionedNode n) => n.Kind switch
        {
            PositionedNodeKind.Object => types.HasFlag(SchemaTypes.Object),
            PositionedNodeKind.Array => types.HasFlag(SchemaTypes.Array),
            PositionedNodeKind.String => types.HasFlag(SchemaTypes.String),
            PositionedNodeKind.Number => types.HasFlag(SchemaTypes.Number) || (types.HasFlag(SchemaTypes.Integer) && n.IsInteger),
            PositionedNodeKind.Boolean => types.HasFlag(SchemaTypes.Boolean),
            _ => types.HasFlag(SchemaTypes.Null),
        };

        private static bool Matches(Regex regex, string text)
        {
            try
            {
                return regex.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        private static string? Describe(SchemaNode s)
        {
            for (var depth = 0; depth < 32 && s is not null; depth++)
            {
                if (s.Description is not null) return s.Description;
                s = s.RefTarget!;
            }
            return null;
        }

        private static string Describe(SchemaTypes types)
        {
            var names = new List<string>();
            if (types.HasFlag(SchemaTypes.String)) names.Add("a string");
            if (types.HasFlag(SchemaTypes.Number)) names.Add("a number");
            else if (types.HasFlag(SchemaTypes.Integer)) names.Add("an integer");
            if (types.HasFlag(SchemaTypes.Boolean)) names.Add("a boolean (true or false)");
            if (types.HasFlag(SchemaTypes.Object)) names.Add("an object");
            if (types.HasFlag(SchemaTypes.Array)) names.Add("an array");
            if (types.HasFlag(SchemaTypes.Null)) names.Add("null");
            return names.Count switch
            {
                0 => "nothing",
                1 => names[0],
                _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1],
            };
        }

        private static string Describe(PositionedNode n) => n.Kind switch
        {
            PositionedNodeKind.Object => "an object",
            PositionedNodeKind.Array => "an array",
            PositionedNodeKind.String => "a string",
            PositionedNodeKind.Number => $"the number {n.ToText()}",
            PositionedNodeKind.Boolean => n.Boolean ? "true" : "false",
            _ => "null",
        };

        /// <summary>" in a play step" when the schema has a title, to say which kind of object is meant.</summary>
        private static string In(SchemaNode s) => s.Title is null ? string.Empty : $" in a {s.Title}";

        private static string Quote(PositionedNode n) => n.Kind == PositionedNodeKind.String ? $"'{n.String}'" : n.ToText();

        private static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);

        private static string Plural(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";

        private void Add(List<Diagnostic> errors, string code, PositionedNode n, string message, string? hint) =>
            errors.Add(new Diagnostic(code, Severity.Error, file, n.Line, n.Column, n.Pointer, message, hint));

        private void AddAt(List<Diagnostic> errors, string code, PositionedProperty p, string message, string? hint) =>
            errors.Add(new Diagnostic(code, Severity.Error, file, p.Line, p.Column, p.Value.Pointer, message, hint));
    }
}
