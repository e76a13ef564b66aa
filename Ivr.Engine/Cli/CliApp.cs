using System.CommandLine;

namespace Ivr.Engine.Cli;

/// <summary>The <c>ivr</c> command line: <c>serve</c>, <c>flow …</c>, <c>dial</c>, <c>status</c>.</summary>
public static class CliApp
{
    /// <summary>Builds the command tree; <paramref name="console"/> receives all output (tests pass a StringWriter).</summary>
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Ivr — IVR and telephony routing engine");
        root.Add(FlowCommands.Build(console));
        root.Add(ServeCommand.Build(console, Hosting.RealSeams.Plug));
        root.Add(DialCommand.Build(console, Hosting.RealSeams.Plug));
        root.Add(RouterCommands.Build(console));
        root.Add(StatusCommand.Build(console));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole? console = null, CancellationToken cancellationToken = default)
    {
        console ??= CliConsole.System;
        var root = Build(console);
        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        // serve owns SIGINT and SIGTERM (it drains, then exits 0); the others stop on Ctrl-C through their cancellation token.
        if (parsed.CommandResult.Command.Name == ServeCommand.Name) config.ProcessTerminationTimeout = null;
        return await parsed.InvokeAsync(config, cancellationToken);
    }
}
