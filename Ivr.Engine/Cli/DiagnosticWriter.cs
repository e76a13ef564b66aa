using System.Text.Json;
using Ivr.Flows.Diagnostics;

namespace Ivr.Engine.Cli;

/// <summary>Writes diagnostics like a compiler (one line each) or as JSON for editors and CI.</summary>
public static class DiagnosticWriter
{
    /// <summary>The result of checking one file.</summary>
    public sealed record FileReport(string File, IReadOnlyList<Diagnostic> Diagnostics)
    {
        /// <summary>True when no diagnostic is an error.</summary>
        public bool Valid => Diagnostics.All(d => d.Severity != Severity.Error);
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Writes reports in <paramref name="format"/> (<c>text</c> or <c>json</c>).</summary>
    public static void Write(TextWriter output, IReadOnlyList<FileReport> reports, string format)
    {
        var errors = reports.Sum(r => r.Diagnostics.Count(d => d.Severity == Severity.Error));
        var warnings = reports.Sum(r => r.Diagnostics.Count(d => d.Severity == Severity.Warning));
        if (format == "json")
        {
            var doc = new
            {
                files = reports.Select(r => new
                {
                    file = r.File,
                    valid = r.Valid,
                    diagnostics = r.Diagnostics.Select(d => new
                    {
                        code = d.Code,
                        severity = d.Severity.ToString().ToLowerInvariant(),
                        file = d.File,
                        line = d.Line,
                        column = d.Column,
                        pointer = d.Pointer,
                        message = d.Message,
                        hint = d.Hint,
                    }),
                }),
                errors,
                warnings,
            };
            output.WriteLine(JsonSerializer.Serialize(doc, Json));
            return;
        }

        foreach (var r in reports)
        {
            foreach (var d in r.Diagnostics) output.WriteLine(d.ToString());
        }
        var files = reports.Count == 1 ? "1 file" : $"{reports.Count} files";
        output.WriteLine($"{files} checked: {errors} error(s), {warnings} warning(s)");
    }
}
