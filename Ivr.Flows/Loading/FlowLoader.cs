using Ivr.Flows.Model;

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
    public static FlowLoadResult LoadFile(string path) => throw new NotImplementedException();

    /// <summary>Loads a flow from UTF-8 bytes; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowLoadResult LoadBytes(ReadOnlySpan<byte> utf8, string file) => throw new NotImplementedException();

    /// <summary>Loads a flow from text; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowLoadResult LoadText(string json, string file) => throw new NotImplementedException();
}
