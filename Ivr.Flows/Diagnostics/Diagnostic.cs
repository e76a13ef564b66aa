namespace Ivr.Flows.Diagnostics;

/// <summary>How bad a diagnostic is: errors refuse the flow, warnings and infos do not.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>One finding about a flow file, precise enough for an editor to jump to it.</summary>
/// <param name="Code">Stable code such as <c>IVR012</c>; see <see cref="DiagnosticCodes"/>.</param>
/// <param name="Severity">Whether it refuses the flow.</param>
/// <param name="File">Path of the flow file as given by the caller.</param>
/// <param name="Line">1-based line, or 0 when the file has no position for it.</param>
/// <param name="Column">1-based column (in UTF-16 code units of the line), or 0.</param>
/// <param name="Pointer">RFC 6901 JSON pointer to the offending value (empty string = the whole document).</param>
/// <param name="Message">What is wrong, in one sentence.</param>
/// <param name="Hint">How to fix it ("did you mean 'support'?"), or null.</param>
public sealed record Diagnostic(
    string Code,
    Severity Severity,
    string File,
    int Line,
    int Column,
    string Pointer,
    string Message,
    string? Hint = null)
{
    /// <summary>Compiler-style one-line rendering: <c>file(line,col): error IVR012: message [pointer] hint</c>.</summary>
    public override string ToString()
    {
        var sev = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" };
        var where = Line > 0 ? $"{File}({Line},{Column})" : File;
        var ptr = Pointer.Length == 0 ? "/" : Pointer;
        return Hint is null
            ? $"{where}: {sev} {Code}: {Message} [at {ptr}]"
            : $"{where}: {sev} {Code}: {Message} [at {ptr}] hint: {Hint}";
    }
}
