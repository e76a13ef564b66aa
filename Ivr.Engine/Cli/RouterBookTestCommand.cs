using System.CommandLine;
using System.Globalization;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Storage;

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
            var clock = TimeProvider.System;
            var store = await SqliteCallbackStore.OpenAsync(new SqliteDatabase(parse.GetValue(db)), clock.GetUtcNow(), cancellationToken: cancellationToken);
            var n = parse.GetValue(count);
            for (var i = 0; i < n; i++)
            {
                var now = clock.GetUtcNow();
                var number = "+3361234" + i.ToString("0000", CultureInfo.InvariantCulture);
                await store.BookAsync(new CallbackBooking($"book-test-{i}", "support", number, number, now, now), cancellationToken);
            }
            console.Out.WriteLine($"booked {n}");
            console.Out.Flush();
            // Every booking is durable; now stay alive until the test kills the process.
            await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            return 0;
        });
        return cmd;
    }
}
