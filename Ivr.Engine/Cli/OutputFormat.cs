using System.CommandLine;

namespace Ivr.Engine.Cli;

/// <summary>
/// The one <c>--format text|json</c> option of the commands that print reports (<c>flow validate|lint|simulate|test</c>,
/// <c>router simulate</c>, <c>status</c>). Older spellings are accepted as aliases: <c>table</c> (what <c>status</c>
/// called its text form) means <c>text</c>.
/// </summary>
internal static class OutputFormat
{
    /// <summary>Human-readable lines.</summary>
    public const string Text = "text";

    /// <summary>Machine-readable JSON.</summary>
    public const string Json = "json";

    private static readonly Dictionary<string, string> Accepted = new(StringComparer.OrdinalIgnoreCase)
    {
        [Text] = Text,
        [Json] = Json,
        ["table"] = Text,
    };

    /// <summary>A <c>--format</c> option whose value is always <see cref="Text"/> or <see cref="Json"/> (aliases resolved).</summary>
    public static Option<string> Create()
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format (table = text)",
            HelpName = "text|json",
            DefaultValueFactory = _ => Text,
            CustomParser = result =>
            {
                var given = result.Tokens.Count == 0 ? Text : result.Tokens[0].Value;
                if (Accepted.TryGetValue(given.Trim(), out var format)) return format;
                result.AddError($"--format: '{given}' is not an output format; use text or json.");
                return Text;
            },
        };
        option.CompletionSources.Add(Text, Json);
        return option;
    }
}
