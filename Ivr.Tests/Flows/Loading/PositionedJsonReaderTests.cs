using System.Text;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;

namespace Ivr.Tests.Flows.Loading;

public class PositionedJsonReaderTests
{
    private static PositionedNode Parse(string json)
    {
        var result = PositionedJsonReader.Parse(json, "t.json");
        Assert.True(result.Root is not null, string.Join("\n", result.Diagnostics));
        return result.Root!;
    }

    private static Diagnostic Single(string json, int maxDepth = 64) => Single(Encoding.UTF8.GetBytes(json), maxDepth);

    private static Diagnostic Single(byte[] utf8, int maxDepth = 64)
    {
        var result = PositionedJsonReader.Parse(utf8, "t.json", maxDepth);
        Assert.Null(result.Root);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Parse_NestedValues_RecordsLineColumnAndPointer()
    {
        var root = Parse("{\n  \"a\": [1, {\"b\": true}],\n  \"c\": null\n}");
        Assert.Equal((1, 1, ""), (root.Line, root.Column, root.Pointer));
        var a = root["a"]!;
        Assert.Equal((2, 8, "/a"), (a.Line, a.Column, a.Pointer));
        Assert.Equal((2, 9, "/a/0"), (a.Items[0].Line, a.Items[0].Column, a.Items[0].Pointer));
        var b = a.Items[1]["b"]!;
        Assert.Equal((2, 18, "/a/1/b", true), (b.Line, b.Column, b.Pointer, b.Boolean));
        Assert.Equal(PositionedNodeKind.Null, root["c"]!.Kind);
        var c = root.Property("c")!;
        Assert.Equal((3, 3), (c.Line, c.Column));
    }

    [Fact]
    public void Parse_PropertyNamesWithSlashAndTilde_EscapesPointer()
    {
        var root = Parse("{\"a/b\": {\"m~n\": 1}}");
        Assert.Equal("/a~1b/m~0n", root["a/b"]!["m~n"]!.Pointer);
    }

    [Fact]
    public void Parse_EscapedStrings_AreUnescaped()
    {
        var root = Parse("{\"t\\u0065xt\": \"line\\nnext \\\"q\\\" \\u00e9 \\ud83d\\ude00\"}");
        Assert.Equal("line\nnext \"q\" é 😀", root["text"]!.String);
        Assert.Equal("/text", root["text"]!.Pointer);
    }

    [Fact]
    public void Parse_NonAsciiBeforeValue_CountsColumnsInUtf16Units()
    {
        var root = Parse("{\"é😀\": 12}");
        // { " é 😀(2 units) " : space → the value starts at column 9.
        Assert.Equal(9, root["é😀"]!.Column);
    }

    [Fact]
    public void Parse_Numbers_KeepValueAndRawText()
    {
        var root = Parse("[1.50, -3, 2e3]");
        Assert.Equal(1.5, root.Items[0].Number);
        Assert.Equal("1.50", root.Items[0].RawNumber);
        Assert.True(root.Items[1].IsInteger);
        Assert.Equal(2000, root.Items[2].Number);
    }

    [Fact]
    public void Parse_Utf8Bom_IsSkipped()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{\"a\": 1}")).ToArray();
        var result = PositionedJsonReader.Parse(bytes, "t.json");
        Assert.NotNull(result.Root);
        Assert.Equal((1, 7), (result.Root!["a"]!.Line, result.Root["a"]!.Column));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    public void Parse_EmptyOrBlank_ReportsIvr002(string text)
    {
        Assert.Equal(DiagnosticCodes.EmptyFile, Single(text).Code);
    }

    [Fact]
    public void Parse_BomOnly_ReportsIvr002()
    {
        Assert.Equal(DiagnosticCodes.EmptyFile, Single([0xEF, 0xBB, 0xBF]).Code);
    }

    [Theory]
    [InlineData("{\n  \"a\": 1,\n  // no\n}", 3, 3)]
    [InlineData("{\n  \"a\": [1, 2,]\n}", 2, 14)]
    [InlineData("{\"a\": 1} x", 1, 10)]
    [InlineData("{'a': 1}", 1, 2)]
    [InlineData("{\"a\": tru}", 1, 10)]
    public void Parse_InvalidJson_ReportsIvr003WhereTheReaderFailed(string text, int line, int column)
    {
        var d = Single(text);
        Assert.Equal(DiagnosticCodes.InvalidJson, d.Code);
        Assert.Equal((line, column), (d.Line, d.Column));
    }

    [Theory]
    [InlineData("{\"a\": {\"b\": [1, 2,]}}", "/a/b")]
    [InlineData("{\"a\": {\"b\": nope}}", "/a/b")]
    [InlineData("{\"a\": 1,}", "")]
    public void Parse_InvalidJson_PointsAtTheEnclosingValue(string text, string pointer)
    {
        Assert.Equal(pointer, Single(text).Pointer);
    }

    [Fact]
    public void Parse_LoneSurrogateEscape_ReportsIvr003()
    {
        Assert.Equal(DiagnosticCodes.InvalidJson, Single("{\"a\": \"\\ud800\"}").Code);
    }

    [Fact]
    public void Parse_DuplicateProperty_ReportsIvr006AtSecondName()
    {
        var result = PositionedJsonReader.Parse("{\n  \"a\": 1,\n  \"a\": 2\n}", "t.json");
        Assert.Null(result.Root);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticCodes.DuplicateProperty, 3, 3, "/a"), (d.Code, d.Line, d.Column, d.Pointer));
    }

    [Fact]
    public void Parse_InvalidUtf8_ReportsIvr007AtTheByte()
    {
        var bytes = Encoding.UTF8.GetBytes("{\n  \"a\": \"caf_\"\n}");
        bytes[Array.IndexOf(bytes, (byte)'_')] = 0xE9;
        var d = Single(bytes);
        Assert.Equal((DiagnosticCodes.NotUtf8, 2, 12), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void Parse_TenThousandNestedArrays_ReportsIvr005()
    {
        var text = new string('[', 10_000) + new string(']', 10_000);
        var d = Single(text);
        Assert.Equal((DiagnosticCodes.NestingTooDeep, 1, 65), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void Parse_NestingAtTheLimit_IsAccepted()
    {
        var text = new string('[', 64) + new string(']', 64);
        Assert.NotNull(PositionedJsonReader.Parse(text, "t.json", maxDepth: 64).Root);
        Assert.Equal(DiagnosticCodes.NestingTooDeep, Single("[" + text + "]").Code);
    }

    [Fact]
    public void Parse_MoreBytesThanAllowed_ReportsIvr004()
    {
        var result = PositionedJsonReader.Parse("[1, 2, 3]"u8, "t.json", maxBytes: 4);
        Assert.Equal(DiagnosticCodes.FileTooLarge, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void JsonEquals_ObjectsInAnyOrder_AreEqual()
    {
        var a = Parse("{\"x\": [1, \"s\"], \"y\": null}");
        var b = Parse("{\"y\": null, \"x\": [1.0, \"s\"]}");
        Assert.True(a.JsonEquals(b));
        Assert.False(a.JsonEquals(Parse("{\"y\": null, \"x\": [1, \"t\"]}")));
    }

    [Fact]
    public void Escape_SlashAndTilde_FollowsRfc6901()
    {
        Assert.Equal("a~1b~0c", JsonPointer.Escape("a/b~c"));
        Assert.Equal("/steps/a~1b/choices/0", JsonPointer.Append(JsonPointer.Append("/steps", "a/b") + "/choices", 0));
    }
}
