using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Model;

/// <summary>A flow as the designer wrote it: validated against the schema, not yet linted or compiled.</summary>
public sealed record FlowDocument
{
    public required string Id { get; init; }
    public required string Version { get; init; }
    public string? Description { get; init; }
    /// <summary>Default locale, e.g. <c>en-US</c>.</summary>
    public required string Language { get; init; }
    /// <summary>Locales the flow supports; always contains <see cref="Language"/>.</summary>
    public required IReadOnlyList<string> Languages { get; init; }
    public required string Start { get; init; }
    /// <summary>Declared variables with their initial values.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, Calendar> Calendars { get; init; } = new Dictionary<string, Calendar>();
    public IReadOnlyDictionary<string, PromptDefinition> Prompts { get; init; } = new Dictionary<string, PromptDefinition>();
    /// <summary>Steps in file order, by name.</summary>
    public required IReadOnlyDictionary<string, Step> Steps { get; init; }
    /// <summary>Where the document came from (for diagnostics), and where its positions are.</summary>
    public required SourceInfo Source { get; init; }
}

/// <summary>The file a flow came from and a map from JSON pointers to line/column positions in it.</summary>
/// <param name="File">The path as given to the loader.</param>
/// <param name="Positions">JSON pointer → (line, column), 1-based; covers every value in the document.</param>
public sealed record SourceInfo(string File, IReadOnlyDictionary<string, (int Line, int Column)> Positions)
{
    /// <summary>Position of the value at <paramref name="pointer"/>, or of its nearest ancestor that has one.</summary>
    public (int Line, int Column) PositionOf(string pointer)
    {
        var p = pointer;
        while (true)
        {
            if (Positions.TryGetValue(p, out var pos)) return pos;
            if (p.Length == 0) return (0, 0);
            var slash = p.LastIndexOf('/');
            p = slash <= 0 ? string.Empty : p[..slash];
        }
    }

    /// <summary>An empty map, for flows built in code.</summary>
    public static SourceInfo InMemory(string name = "<memory>") => new(name, new Dictionary<string, (int, int)>());
}
