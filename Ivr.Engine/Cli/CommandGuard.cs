namespace Ivr.Engine.Cli;

/// <summary>The last line of defence of every command: an unexpected exception becomes a one-line error and exit code 1.</summary>
internal static class CommandGuard
{
    /// <summary>Runs <paramref name="action"/>; any exception is reported on the error stream.</summary>
    public static int Run(CliConsole console, string command, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            console.Error.WriteLine($"error: flow {command} failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Writes diagnostics of a file that cannot be used, in the requested format, and returns exit code 1.</summary>
    public static int Refuse(CliConsole console, string file, IReadOnlyList<Ivr.Flows.Diagnostics.Diagnostic> diagnostics, string format)
    {
        var errors = diagnostics.Where(d => d.Severity == Ivr.Flows.Diagnostics.Severity.Error).ToList();
        DiagnosticWriter.Write(format == "json" ? console.Out : console.Error, [new DiagnosticWriter.FileReport(file, errors)], format);
        return 1;
    }
}
