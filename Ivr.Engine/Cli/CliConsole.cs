namespace Ivr.Engine.Cli;

/// <summary>Where a command reads and writes: the process console, or writers a test supplies.</summary>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>The process's standard streams.</summary>
    public static CliConsole System => new(Console.In, Console.Out, Console.Error);
}
