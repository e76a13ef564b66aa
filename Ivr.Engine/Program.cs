using Ivr.Engine.Cli;

return await CliApp.RunAsync(args);
