using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Ivr.Flows.Diagnostics;

using Ivr.Flows.Json;

namespace Ivr.Flows.Json;

/// <summary>
/// Parses strict JSON (RFC 8259: no comments, no trailing commas; a UTF-8 BOM is allowed) into a
/// <see cref="PositionedNode"/> tree. Every limit is a diagnostic, never an exception.
/// </summary>
public static class PositionedJsonReader
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="utf8"/>; <paramref name="file"/> names it in diagnostics.</summary>
    /// <param name="utf8">The file's bytes.</param>
    /// <param name="file">Name used in diagnostics.</param>
    /// <param name="maxDepth">Deepest nesting of objects and arrays accepted.</param>
    /// <param name="maxBytes">Largest input accepted.</param>
    public static PositionedJsonResult Parse(ReadOnlySpan<byte> utf8, string file, int maxDepth = 64, int maxBytes = int.MaxValue) =>
        Parse(utf8, file, maxDepth, maxBytes, out _);

    /// <summary>
    /// <see cref="Parse(ReadOnlySpan{byte}, string, int, int)"/>, also giving the bytes decoded to turn offsets into lines
    /// and columns: at most the input's length for any file (tokens are positioned from the previous one), which is what
    /// keeps a minified one-line file linear. Tests read it instead of timing the parse.
    /// </summary>
    internal static PositionedJsonResult Parse(ReadOnlySpan<byte> utf8, string file, int maxDepth, int maxBytes, out long positionBytes)
    {
        positionBytes = 0;
        if (utf8.Length > maxBytes)
        {
            return Fail(DiagnosticCodes.FileTooLarge, file, 0, 0,
                $"the file is {utf8.Length:N0} bytes, more than the {maxBytes:N0} accepted",
                "split the flow into subflows");
        }
        if (utf8.StartsWith(Bom)) utf8 = utf8[Bom.Length..];
        if (IsBlank(utf8))
        {
            return Fail(DiagnosticCodes.EmptyFile, file, 1, 1, "the file is empty", "a flow is a JSON object: { \"id\": …, \"steps\": { … } }");
        }

        var lines = new LineMap(utf8);
        if (!Utf8.IsValid(utf8))
        {
            var bytesRead = FirstInvalidUtf8(utf8);
            var (line, column) = lines.Position(utf8, bytesRead);
            positionBytes = lines.BytesDecoded;
            return Fail(DiagnosticCodes.NotUtf8, file, line, column,
                $"the file is not valid UTF-8 (byte 0x{utf8[bytesRead]:X2} at offset {bytesRead})",
                "save the file as UTF-8");
        }

        var parser = new Parser(utf8, file, maxDepth, lines);
        var result = parser.Run();
        positionBytes = lines.BytesDecoded;
        return result;
    }

    /// <summary>Parses text (encoded to UTF-8 first); <paramref name="file"/> names it in diagnostics.</summary>
    public static PositionedJsonResult Parse(string json, string file, int maxDepth = 64) =>
        Parse(Encoding.UTF8.GetBytes(json), file, maxDepth);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var buffer = new char[4096];
        var total = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(utf8[total..], buffer, out var read, out _, replaceInvalidSequences: false);
            total += read;
            if (status != OperationStatus.DestinationTooSmall) return Math.Min(total, utf8.Length - 1);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        foreach (var b in utf8)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        }
        return true;
    }

    private static PositionedJsonResult Fail(string code, string file, int line, int column, string message, string? hint) =>
        new(null, [new Diagnostic(code, Severity.Error, file, line, column, string.Empty, message, hint)]);

    /// <summary>Byte offsets of line starts, to turn a byte offset into a line and a UTF-16 column.</summary>
    private sealed class LineMap
    {
        private readonly List<int> _starts = [0];
        private int _lastLine = -1;
        private int _lastOffset;
        private int _lastColumn;

        /// <summary>Bytes decoded so far to count columns.</summary>
        public long BytesDecoded { get; private set; }

        public LineMap(ReadOnlySpan<byte> utf8)
        {
            for (var i = 0; i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n') _starts.Add(i + 1);
            }
        }

        /// <summary>
        /// Line and column of a byte offset. Tokens arrive in increasing order, so the column is counted from the previous
        /// token on the same line: a minified single-line file stays linear instead of quadratic.
        /// </summary>
        public (int Line, int Column) Position(ReadOnlySpan<byte> utf8, long offset)
        {
            var at = (int)Math.Clamp(offset, 0, utf8.Length);
            int index;
            if (_lastLine >= 0 && at >= _lastOffset && (_lastLine + 1 == _starts.Count || at < _starts[_lastLine + 1]))
            {
                index = _lastLine;
                BytesDecoded += at - _lastOffset;
                _lastColumn += Encoding.UTF8.GetCharCount(utf8[_lastOffset..at]);
            }
            else
            {
                index = _starts.BinarySearch(at);
                if (index < 0) index = ~index - 1;
                BytesDecoded += at - _starts[index];
                _lastColumn = Encoding.UTF8.GetCharCount(utf8[_starts[index]..at]) + 1;
            }
            _lastLine = index;
            _lastOffset = at;
            return (index + 1, _lastColumn);
        }

        public (int Line, int Column) LinePosition(ReadOnlySpan<byte> utf8, long zeroBasedLine, long bytesInLine)
        {
            var line = (int)Math.Clamp(zeroBasedLine, 0, _starts.Count - 1);
            var start = _starts[line];
            var end = (int)Math.Min(utf8.Length, start + Math.Max(0, bytesInLine));
            BytesDecoded += end - start;
            return (line + 1, Column(utf8, start, end));
        }

        private static int Column(ReadOnlySpan<byte> utf8, int start, int end)
        {
            var prefix = utf8[start..end];
            if (prefix.EndsWith("\r"u8)) prefix = prefix[..^1];
            return Encoding.UTF8.GetCharCount(prefix) + 1;
        }
    }

    private ref struct Parser
    {
        private readonly ReadOnlySpan<byte> _utf8;
        private readonly string _file;
        private readonly int _maxDepth;
        private readonly LineMap _lines;
        private readonly List<Diagnostic> _diagnostics = [];
        private Utf8JsonReader _reader;
        // Pointer of the value being read when the reader throws: the container, or the member whose value is malformed.
        private string _at = string.Empty;

        public Parser(ReadOnlySpan<byte> utf8, string file, int maxDepth, LineMap lines)
        {
            _utf8 = utf8;
            _file = file;
            _maxDepth = maxDepth;
            _lines = lines;
            // The reader's own limit sits above ours so that we, not it, report the nesting.
            _reader = new Utf8JsonReader(utf8, new JsonReaderOptions
            {
                CommentHandling = JsonCommentHandling.Disallow,
                AllowTrailingCommas = false,
                MaxDepth = maxDepth + 2,
            });
        }

        public PositionedJsonResult Run()
        {
            try
            {
                _reader.Read();
                var root = ReadValue(string.Empty);
                if (root is null) return new(null, _diagnostics);
                _at = string.Empty;
                // Trailing content after the root value makes the reader throw here.
                if (_reader.Read())
                {
                    Error(DiagnosticCodes.InvalidJson, _reader.TokenStartIndex, string.Empty, "invalid JSON: more content after the end of the document", null);
                    return new(null, _diagnostics);
                }
                return new(_diagnostics.Count == 0 ? root : null, _diagnostics);
            }
            catch (JsonException ex)
            {
                var (line, column) = _lines.LinePosition(_utf8, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0);
                _diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidJson, Severity.Error, _file, line, column, _at,
                    "invalid JSON: " + Clean(ex.Message), "flow files are strict JSON: no comments, no trailing commas, double-quoted names"));
                return new(null, _diagnostics);
            }
        }

        private PositionedNode? ReadValue(string pointer)
        {
            var (line, column) = _lines.Position(_utf8, _reader.TokenStartIndex);
            switch (_reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (_reader.CurrentDepth + 1 > _maxDepth)
                    {
                        _diagnostics.Add(new Diagnostic(DiagnosticCodes.NestingTooDeep, Severity.Error, _file, line, column, pointer,
                            $"the JSON is nested more than {_maxDepth} levels deep", "flatten the structure"));
                        return null;
                    }
                    return _reader.TokenType == JsonTokenType.StartObject ? ReadObject(pointer, line, column) : ReadArray(pointer, line, column);
                case JsonTokenType.String:
                    var text = ReadString(pointer, line, column);
                    return text is null ? null : PositionedNode.NewString(text, pointer, line, column);
                case JsonTokenType.Number:
                    var raw = Encoding.UTF8.GetString(_reader.ValueSpan);
                    if (!_reader.TryGetDouble(out var number) || !double.IsFinite(number))
                    {
                        Error(DiagnosticCodes.InvalidJson, _reader.TokenStartIndex, pointer, $"invalid JSON: the number {raw} is out of range", null);
                        return null;
                    }
                    return PositionedNode.NewNumber(number, raw, pointer, line, column);
                case JsonTokenType.True:
                    return PositionedNode.NewBoolean(true, pointer, line, column);
                case JsonTokenType.False:
                    return PositionedNode.NewBoolean(false, pointer, line, column);
                case JsonTokenType.Null:
                    return PositionedNode.NewNull(pointer, line, column);
                default:
                    Error(DiagnosticCodes.InvalidJson, _reader.TokenStartIndex, pointer, $"invalid JSON: unexpected {_reader.TokenType}", null);
                    return null;
            }
        }

        private PositionedNode? ReadObject(string pointer, int line, int column)
        {
            var properties = new List<PositionedProperty>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (Next(pointer) && _reader.TokenType != JsonTokenType.EndObject)
            {
                var (nameLine, nameColumn) = _lines.Position(_utf8, _reader.TokenStartIndex);
                var name = ReadString(pointer, nameLine, nameColumn);
                if (name is null) return null;
                var valuePointer = JsonPointer.Append(pointer, name);
                if (!seen.Add(name))
                {
                    _diagnostics.Add(new Diagnostic(DiagnosticCodes.DuplicateProperty, Severity.Error, _file, nameLine, nameColumn, valuePointer,
                        $"property '{name}' appears more than once in this object", "remove or rename one of them"));
                }
                Next(valuePointer);
                var value = ReadValue(valuePointer);
                if (value is null) return null;
                properties.Add(new PositionedProperty(name, nameLine, nameColumn, value));
            }
            return PositionedNode.NewObject(properties, pointer, line, column);
        }

        private PositionedNode? ReadArray(string pointer, int line, int column)
        {
            var items = new List<PositionedNode>();
            while (Next(pointer) && _reader.TokenType != JsonTokenType.EndArray)
            {
                var item = ReadValue(JsonPointer.Append(pointer, items.Count));
                if (item is null) return null;
                items.Add(item);
            }
            return PositionedNode.NewArray(items, pointer, line, column);
        }

        private bool Next(string at)
        {
            _at = at;
            return _reader.Read();
        }

        private string? ReadString(string pointer, int line, int column)
        {
            try
            {
                return _reader.GetString();
            }
            catch (InvalidOperationException ex)
            {
                _diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidJson, Severity.Error, _file, line, column, pointer,
                    "invalid JSON: " + Clean(ex.Message), "check the string's \\u escapes"));
                return null;
            }
        }

        private void Error(string code, long offset, string pointer, string message, string? hint)
        {
            var (line, column) = _lines.Position(_utf8, offset);
            _diagnostics.Add(new Diagnostic(code, Severity.Error, _file, line, column, pointer, message, hint));
        }

        private static string Clean(string message)
        {
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            var text = cut >= 0 ? message[..cut] : message;
            // The reader's advice is about its options, which a flow author cannot change.
            text = text.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal)
                .Replace(" in this mode", string.Empty, StringComparison.Ordinal);
            return text.TrimEnd(' ', '.', '|').Trim() + ".";
        }
    }
}
