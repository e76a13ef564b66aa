using System.Text.Json;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Loading;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>RFC 6901 pointers of an http step's <c>map</c>: escapes, array indexes, and bad escapes refused when the flow loads.</summary>
public class JsonPointerTests
{
    private const string Answer = """{ "a/b": 1, "m~n": 2, "~1": 3, "list": [10, 20, 30], "": 4 }""";

    [Theory]
    [InlineData("/a~1b", "1")]
    [InlineData("/m~0n", "2")]
    [InlineData("/~01", "3")]
    [InlineData("/list/0", "10")]
    [InlineData("/list/2", "30")]
    [InlineData("/", "4")]
    public void TryResolve_UnescapesTildeOneThenTildeZero_AndReadsIndexes(string pointer, string expected)
    {
        using var doc = JsonDocument.Parse(Answer);

        Assert.True(JsonPointer.TryResolve(doc.RootElement, pointer, out var value));
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("/list/01")]
    [InlineData("/list/-")]
    [InlineData("/list/3")]
    [InlineData("/list/+1")]
    [InlineData("/a/b")]
    [InlineData("list")]
    public void TryResolve_LeadingZeroDashPastTheEndOrUnescapedSlash_NamesNothing(string pointer)
    {
        using var doc = JsonDocument.Parse(Answer);

        Assert.False(JsonPointer.TryResolve(doc.RootElement, pointer, out _));
    }

    [Theory]
    [InlineData("/name~2")]
    [InlineData("/name~")]
    [InlineData("/~/x")]
    public void MapPointer_WithABadEscape_IsIVR105_WhenTheFlowLoads(string pointer)
    {
        var loaded = FlowLoader.LoadText(Flow(pointer), "f.json");

        var error = Assert.Single(loaded.Diagnostics, d => d.Code == DiagnosticCodes.PatternMismatch);
        Assert.EndsWith("/map/name", error.Pointer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a~0b~1c")]
    [InlineData("")]
    [InlineData("/list/0")]
    public void MapPointer_WithGoodEscapes_Loads(string pointer)
    {
        var loaded = FlowLoader.LoadText(Flow(pointer), "f.json");

        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
    }

    private static string Flow(string pointer) => $$"""
        { "id": "p", "version": "1.0.0", "language": "en-US", "start": "lookup", "variables": { "name": "" },
          "steps": {
            "lookup": { "type": "http", "service": "crm", "path": "/x", "map": { "name": "{{pointer}}" }, "filler": { "text": "Wait." }, "next": "done", "onError": "done" },
            "done": { "type": "hangup", "reason": "done" } } }
        """;
}
