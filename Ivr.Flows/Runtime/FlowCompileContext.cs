using System.Text.RegularExpressions;
using Ivr.Flows.Model;

namespace Ivr.Flows.Runtime;

/// <summary>What step behaviours see while compiling a flow: the document, its locales, variable slots, and an error sink.</summary>
internal sealed class FlowCompileContext(FlowDocument document, IReadOnlyList<string> languages, Func<string, CompiledFlow?>? resolveSubflow)
{
    private readonly List<string> _errors = [];

    public FlowDocument Document { get; } = document;
    public IReadOnlyList<string> Languages { get; } = languages;
    public VariableTable Variables { get; } = new(document.Language, document.Variables);
    public Func<string, CompiledFlow?>? ResolveSubflow { get; } = resolveSubflow;
    public IReadOnlyList<string> Errors => _errors;

    public void Error(string message, string pointer) => _errors.Add($"{message} [at {(pointer.Length == 0 ? "/" : pointer)}]");

    /// <summary>Compiles a regular expression without catastrophic backtracking when the pattern allows it.</summary>
    public Regex? Regex(string pattern, bool whole, string pointer)
    {
        var text = whole ? $"^(?:{pattern})$" : pattern;
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Constructs such as backreferences need the backtracking engine: bound it in time instead.
            return Compat(text, pointer);
        }
        catch (ArgumentException ex)
        {
            Error($"invalid regular expression: {ex.Message}", pointer);
            return null;
        }
    }

    private Regex? Compat(string text, string pointer)
    {
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
        }
        catch (ArgumentException ex)
        {
            Error($"invalid regular expression: {ex.Message}", pointer);
            return null;
        }
    }
}
