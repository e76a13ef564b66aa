using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Model;
using Ivr.Flows.Schema;

namespace Ivr.Flows.Loading;

/// <summary>
/// Reads a flow file: parses JSON with positions, validates it against <c>flows.schema.json</c> and binds it to
/// <see cref="FlowDocument"/>. Never throws on bad input: every problem is a diagnostic.
/// </summary>
public static class FlowLoader
{
    /// <summary>Largest flow file accepted, in bytes.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Loads a flow file from disk.</summary>
    public static FlowLoadResult LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(DiagnosticCodes.FileNotFound, path, 0, $"file not found: {path}",
                    Directory.Exists(path) ? "this is a folder; give the path of a .json flow file" : null);
            }
            // Refuse before reading: a huge file must cost a stat, not a read.
            if (info.Length > MaxFileBytes) return TooLarge(path, info.Length);
            bytes = ReadAtMost(path, MaxFileBytes + 1);
            if (bytes.Length > MaxFileBytes) return TooLarge(path, bytes.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return Fail(DiagnosticCodes.FileNotFound, path, 0, $"cannot read {path}: {ex.Message}", null);
        }
        return LoadBytes(bytes, path);
    }

    /// <summary>Reads up to <paramref name="limit"/> bytes, so that devices and growing files cannot make the loader read forever.</summary>
    private static byte[] ReadAtMost(string path, int limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[Math.Min(limit, stream.CanSeek ? (int)Math.Min(stream.Length + 1, limit) : 64 * 1024)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= limit) break;
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0) break;
            total += read;
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }

    /// <summary>Loads a flow from UTF-8 bytes; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowLoadResult LoadBytes(ReadOnlySpan<byte> utf8, string file)
    {
        if (utf8.Length > MaxFileBytes) return TooLarge(file, utf8.Length);
        try
        {
            var parsed = PositionedJsonReader.Parse(utf8, file, MaxDepth, MaxFileBytes);
            if (parsed.Root is null || parsed.HasErrors) return new(null, parsed.Diagnostics);
            return Load(parsed.Root, file);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A safety net only: loading is meant to report problems, never to throw.
            return Fail(DiagnosticCodes.SchemaViolation, file, 0, $"internal error while loading the flow: {ex.Message}", null);
        }
    }

    /// <summary>Loads a flow from text; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowLoadResult LoadText(string json, string file)
    {
        // Count before encoding so that a huge string is refused without a second huge buffer.
        var length = json.Length <= MaxFileBytes / 3 ? json.Length : System.Text.Encoding.UTF8.GetByteCount(json);
        if (length > MaxFileBytes) return TooLarge(file, length);
        return LoadBytes(System.Text.Encoding.UTF8.GetBytes(json), file);
    }

    private static FlowLoadResult Load(PositionedNode root, string file)
    {
        var schemaErrors = JsonSchemaValidator.Flows.Validate(root, file);
        if (schemaErrors.Count > 0) return new(null, schemaErrors);
        var (document, bindErrors) = FlowBinder.Bind(root, file);
        var sorted = bindErrors.OrderBy(d => d.Line).ThenBy(d => d.Column).ToArray();
        return sorted.Any(d => d.Severity == Severity.Error) ? new(null, sorted) : new(document, sorted);
    }

    private static FlowLoadResult TooLarge(string file, long length) =>
        Fail(DiagnosticCodes.FileTooLarge, file, 0, $"the file is {length:N0} bytes, more than the {MaxFileBytes:N0} accepted", "split the flow into subflows");

    private static FlowLoadResult Fail(string code, string file, int line, string message, string? hint) =>
        new(null, [new Diagnostic(code, Severity.Error, file, line, line == 0 ? 0 : 1, string.Empty, message, hint)]);
}
