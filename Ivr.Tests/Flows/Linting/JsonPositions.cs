using System.Text;
using System.Text.Json;

namespace Ivr.Tests.Flows.Linting;

/// <summary>Maps every JSON pointer of a document to the 1-based line and column where its value starts (test oracle, independent of FlowLoader).</summary>
internal static class JsonPositions
{
    public static Dictionary<string, (int Line, int Column)> Of(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') lineStarts.Add(i + 1);
        (int, int) At(long offset)
        {
            var index = lineStarts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var column = Encoding.UTF8.GetCharCount(bytes, lineStarts[line], (int)offset - lineStarts[line]) + 1;
            return (line + 1, column);
        }

        var positions = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var containers = new Stack<(string Pointer, bool IsArray, int Next)>();
        string? property = null;
        var reader = new Utf8JsonReader(bytes);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = reader.GetString();
                continue;
            }
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                containers.Pop();
                continue;
            }
            var pointer = string.Empty;
            if (containers.Count > 0)
            {
                var top = containers.Pop();
                pointer = top.IsArray
                    ? $"{top.Pointer}/{top.Next}"
                    : $"{top.Pointer}/{property!.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";
                containers.Push(top with { Next = top.Next + 1 });
            }
            positions[pointer] = At(reader.TokenStartIndex);
            if (reader.TokenType == JsonTokenType.StartObject) containers.Push((pointer, false, 0));
            else if (reader.TokenType == JsonTokenType.StartArray) containers.Push((pointer, true, 0));
        }
        return positions;
    }
}
