using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Loading;
using Ivr.Flows.Schema;

namespace Ivr.Tests.Flows.Loading;

public class JsonSchemaValidatorTests
{
    private static IReadOnlyList<Diagnostic> ValidateFlow(string steps, string extra = "")
    {
        var json = "{\n\"id\": \"t\", \"version\": \"1\", \"language\": \"en-US\", \"start\": \"s\",\n" + extra + "\"steps\": {\n" + steps + "\n}\n}";
        var parsed = PositionedJsonReader.Parse(json, "t.json");
        Assert.NotNull(parsed.Root);
        return JsonSchemaValidator.Flows.Validate(parsed.Root!, "t.json");
    }

    private static IReadOnlyList<Diagnostic> Validate(string schema, string instance)
    {
        var validator = JsonSchemaValidator.Compile(PositionedJsonReader.Parse(schema, "s.json").Root!);
        return validator.Validate(PositionedJsonReader.Parse(instance, "i.json").Root!, "i.json");
    }

    [Theory]
    [InlineData("\"s\": { \"type\": \"play\", \"prompt\": \"p\", \"next\": \"s\" }")]
    [InlineData("\"s\": { \"type\": \"play\", \"prompt\": [\"p\", { \"text\": \"x\" }, { \"sound\": \"a.wav\" }], \"next\": \"s\" }")]
    [InlineData("\"s\": { \"type\": \"menu\", \"prompt\": \"p\", \"choices\": [ { \"phrases\": { \"en-US\": [\"yes\"] }, \"next\": \"s\" } ], \"onExhausted\": \"s\" }")]
    [InlineData("\"s\": { \"type\": \"branch\", \"conditions\": [ { \"when\": { \"not\": { \"any\": [ { \"var\": \"a\", \"op\": \"in\", \"value\": [\"1\"] } ] } }, \"next\": \"s\" } ], \"else\": \"s\" }")]
    [InlineData("\"s\": { \"type\": \"return\", \"description\": \"done\" }")]
    public void Validate_GoodSnippet_HasNoDiagnostics(string steps)
    {
        Assert.Empty(ValidateFlow(steps));
    }

    [Fact]
    public void Validate_UnknownStepType_ReportsIvr107WithSuggestionAndKinds()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"menue\", \"prompt\": \"p\" }"));
        Assert.Equal(DiagnosticCodes.UnknownStepType, d.Code);
        Assert.Equal("/steps/s/type", d.Pointer);
        Assert.StartsWith("did you mean 'menu'?", d.Hint);
        Assert.Contains("play, menu, digits", d.Hint);
    }

    [Fact]
    public void Validate_KnownStepTypeWithErrors_ReportsOnlyThatKindsErrors()
    {
        var all = ValidateFlow("\"s\": { \"type\": \"play\", \"prompt\": \"p\", \"nxt\": \"s\" }");
        Assert.Equal([DiagnosticCodes.MissingProperty, DiagnosticCodes.UnknownProperty], all.Select(d => d.Code).Order());
        var unknown = all.Single(d => d.Code == DiagnosticCodes.UnknownProperty);
        Assert.Equal("/steps/s/nxt", unknown.Pointer);
        Assert.Equal("did you mean 'next'?", unknown.Hint);
        var missing = all.Single(d => d.Code == DiagnosticCodes.MissingProperty);
        Assert.Equal(("/steps/s", 4, 6), (missing.Pointer, missing.Line, missing.Column));
        Assert.Contains("'next'", missing.Message);
    }

    [Fact]
    public void Validate_WrongType_SaysWhatWasExpectedAndGot()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"queue\", \"skill\": 3, \"onCallback\": \"s\", \"onMessage\": \"s\", \"onFailure\": \"s\" }"));
        Assert.Equal((DiagnosticCodes.WrongType, "expected a string, got the number 3"), (d.Code, d.Message));
    }

    [Fact]
    public void Validate_PromptOfWrongType_ListsTheAcceptedForms()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"play\", \"prompt\": true, \"next\": \"s\" }"));
        Assert.Equal("expected a string, an object or an array, got true", d.Message);
    }

    [Fact]
    public void Validate_ConditionAlternatives_ReportsTheIntendedForm()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"branch\", \"conditions\": [ { \"when\": { \"calendar\": \"office\" }, \"next\": \"s\" } ], \"else\": \"s\" }"));
        Assert.Equal((DiagnosticCodes.MissingProperty, "/steps/s/conditions/0/when"), (d.Code, d.Pointer));
        Assert.Contains("'is'", d.Message);
    }

    [Fact]
    public void Validate_EnumMismatch_ListsAllowedValues()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"transfer\", \"to\": \"sip:a@b\", \"method\": \"blind\", \"onFailure\": \"s\" }"));
        Assert.Equal(DiagnosticCodes.ValueNotAllowed, d.Code);
        Assert.Equal("allowed: refer, bridge", d.Hint);
    }

    [Fact]
    public void Validate_StepNameWithSpace_ReportsIvr105OnTheKey()
    {
        var d = Assert.Single(ValidateFlow("\"s\": { \"type\": \"return\" },\n\"bad name\": { \"type\": \"return\" }"));
        Assert.Equal((DiagnosticCodes.PatternMismatch, "/steps/bad name", 5, 1), (d.Code, d.Pointer, d.Line, d.Column));
    }

    [Fact]
    public void Validate_Diagnostics_AreSortedByLine()
    {
        var all = ValidateFlow("\"s\": { \"type\": \"hangup\", \"x\": 1 },\n\"t\": { \"type\": \"goto\" },\n\"u\": { \"type\": \"queue\", \"skill\": \"a\", \"priority\": -1, \"onCallback\": \"s\", \"onMessage\": \"s\", \"onFailure\": \"s\" }");
        Assert.Equal([4, 5, 6], all.Select(d => d.Line));
        Assert.Equal(DiagnosticCodes.OutOfRange, all[2].Code);
    }

    [Theory]
    [InlineData("{\"minItems\": 2}", "[1]", DiagnosticCodes.WrongCount)]
    [InlineData("{\"maxItems\": 1}", "[1, 2]", DiagnosticCodes.WrongCount)]
    [InlineData("{\"minLength\": 2}", "\"é\"", DiagnosticCodes.WrongCount)]
    [InlineData("{\"maxLength\": 1}", "\"😀😀\"", DiagnosticCodes.WrongCount)]
    [InlineData("{\"maxProperties\": 1}", "{\"a\": 1, \"b\": 2}", DiagnosticCodes.WrongCount)]
    [InlineData("{\"uniqueItems\": true}", "[{\"a\": 1}, {\"a\": 1.0}]", DiagnosticCodes.DuplicateItem)]
    [InlineData("{\"exclusiveMaximum\": 3}", "3", DiagnosticCodes.OutOfRange)]
    [InlineData("{\"minimum\": 3}", "2.5", DiagnosticCodes.OutOfRange)]
    [InlineData("{\"const\": \"a\"}", "\"b\"", DiagnosticCodes.ValueNotAllowed)]
    [InlineData("{\"not\": {\"type\": \"string\"}}", "\"b\"", DiagnosticCodes.SchemaViolation)]
    [InlineData("{\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"integer\"}]}", "1", DiagnosticCodes.SchemaViolation)]
    [InlineData("{\"type\": \"integer\"}", "1.5", DiagnosticCodes.WrongType)]
    [InlineData("{\"prefixItems\": [{\"type\": \"string\"}], \"items\": {\"type\": \"number\"}}", "[\"a\", \"b\"]", DiagnosticCodes.WrongType)]
    [InlineData("{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, \"additionalProperties\": false}", "{\"x-a\": 1}", DiagnosticCodes.WrongType)]
    [InlineData("{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, \"additionalProperties\": false}", "{\"y\": \"1\"}", DiagnosticCodes.UnknownProperty)]
    [InlineData("{\"$ref\": \"#/$defs/a\", \"$defs\": {\"a\": {\"type\": \"null\"}}}", "0", DiagnosticCodes.WrongType)]
    [InlineData("{\"if\": {\"type\": \"string\"}, \"then\": {\"minLength\": 3}, \"else\": {\"minimum\": 0}}", "-1", DiagnosticCodes.OutOfRange)]
    [InlineData("{\"if\": {\"type\": \"string\"}, \"then\": {\"minLength\": 3}, \"else\": {\"minimum\": 0}}", "\"ab\"", DiagnosticCodes.WrongCount)]
    [InlineData("{\"allOf\": [{\"type\": \"number\"}, {\"maximum\": 1}]}", "2", DiagnosticCodes.OutOfRange)]
    [InlineData("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"number\"}]}", "null", DiagnosticCodes.WrongType)]
    [InlineData("{\"items\": false}", "[1]", DiagnosticCodes.SchemaViolation)]
    public void Validate_KeywordViolated_ReportsItsCode(string schema, string instance, string code)
    {
        Assert.Equal(code, Assert.Single(Validate(schema, instance)).Code);
    }

    [Theory]
    [InlineData("{\"minItems\": 1, \"maxItems\": 2, \"uniqueItems\": true}", "[1, 2]")]
    [InlineData("{\"type\": \"integer\"}", "2.0")]
    [InlineData("{\"if\": {\"type\": \"string\"}, \"then\": {\"minLength\": 3}}", "4")]
    [InlineData("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}", "1")]
    [InlineData("{\"enum\": [1, \"a\", null]}", "null")]
    [InlineData("{\"pattern\": \"b\"}", "\"abc\"")]
    [InlineData("{\"propertyNames\": {\"maxLength\": 2}}", "{\"ab\": 1}")]
    public void Validate_KeywordSatisfied_HasNoDiagnostics(string schema, string instance)
    {
        Assert.Empty(Validate(schema, instance));
    }

    [Fact]
    public void Compile_UnsupportedKeyword_Throws()
    {
        var schema = PositionedJsonReader.Parse("{\"dependentRequired\": {}}", "s.json").Root!;
        Assert.Throws<InvalidOperationException>(() => JsonSchemaValidator.Compile(schema));
    }

    [Fact]
    public void Flows_SchemaFile_EveryPropertyHasADescription()
    {
        var schema = PositionedJsonReader.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "flows.schema.json")), "flows.schema.json", 256).Root!;
        var missing = new List<string>();
        void Walk(PositionedNode n)
        {
            if (n.Kind == PositionedNodeKind.Object)
            {
                if (n["properties"] is { Kind: PositionedNodeKind.Object } props)
                {
                    missing.AddRange(props.Properties
                        .Where(p => p.Value.Kind == PositionedNodeKind.Object && p.Value["description"] is null && !n.Pointer.Contains("/if", StringComparison.Ordinal) && !n.Pointer.Contains("/then", StringComparison.Ordinal) && !n.Pointer.Contains("/else", StringComparison.Ordinal))
                        .Select(p => p.Value.Pointer));
                }
                foreach (var p in n.Properties) Walk(p.Value);
            }
            foreach (var i in n.Items) Walk(i);
        }
        Walk(schema);
        Assert.Empty(missing);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema["$schema"]!.String);
    }

    [Fact]
    public void Flows_StepTypeEnum_MatchesTheBinderRegistry()
    {
        var schema = PositionedJsonReader.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "flows.schema.json")), "flows.schema.json", 256).Root!;
        var kinds = schema["$defs"]!["step"]!["properties"]!["type"]!["enum"]!.Items.Select(i => i.String!).Order();
        Assert.Equal(StepBinders.ByKind.Keys.Order(), kinds);
        foreach (var kind in kinds)
        {
            var def = schema["$defs"]![kind + "Step"]!;
            Assert.False(def["additionalProperties"]!.Boolean);
        }
    }
}
