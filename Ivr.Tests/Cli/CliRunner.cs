using Ivr.Engine.Cli;

namespace Ivr.Tests.Cli;

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal static class CliRunner
{
    public sealed record Result(int Code, string Out, string Error)
    {
        public string All => Out + Error;
    }

    public static async Task<Result> RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliConsole(new StringReader(stdin), output, error));
        return new Result(code, output.ToString(), error.ToString());
    }

    public static Task<Result> Run(params string[] args) => RunWithInput("", args);
}
