using System.CommandLine;
using System.Text.Json;
using Ivr.Engine.Routing;

namespace Ivr.Engine.Cli;

/// <summary><c>ivr router simulate</c>: capacity planning with the real routing logic on a virtual clock.</summary>
public static class RouterCommands
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>Builds the <c>router</c> command and its subcommands.</summary>
    public static Command Build(CliConsole console)
    {
        var router = new Command("router", "Skill router tools");
        router.Add(BuildSimulate(console));
        router.Add(RouterBookTestCommand.Build(console));
        return router;
    }

    private static Command BuildSimulate(CliConsole console)
    {
        var defaults = new RouterSimulationOptions();
        var arrivals = Number("--arrivals-per-min", "Mean arrivals per minute (Poisson)", defaults.ArrivalsPerMinute);
        var handle = Number("--handle-min", "Mean handle time in minutes (exponential)", defaults.HandleMinutes);
        var patience = Number("--patience-min", "Mean patience in minutes (exponential)", defaults.PatienceMinutes);
        var minutes = Number("--minutes", "Minutes of arrivals (then drained)", defaults.Minutes);
        var agents = new Option<int>("--agents") { Description = "Agents staffed", DefaultValueFactory = _ => defaults.Agents };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same run)", DefaultValueFactory = _ => defaults.Seed };
        var target = new Option<double?>("--target-wait")
        {
            Description = "Offer when the expected wait exceeds this many seconds, and to anyone who waited that long (default 60)",
        };
        var abandonOver = new Option<double?>("--abandon-rate-over") { Description = "Offer when the window's abandonment rate exceeds this (0..1, default 0.1)" };
        var releaseBelow = new Option<double?>("--abandon-release-below")
        {
            Description = "Hysteresis: once on, the abandonment trigger stays on until the rate falls below this (default 0.05)",
        };
        var noPacing = new Option<bool>("--no-pacing") { Description = "Dial callbacks in strict order, without keeping agents for the live line" };
        var format = OutputFormat.Create();
        var cmd = new Command("simulate", "Simulate one skill with the offer policy off and on, side by side")
        {
            arrivals, handle, patience, agents, minutes, seed, target, abandonOver, releaseBelow, noPacing, format,
        };
        cmd.SetAction(parse =>
        {
            var options = defaults with
            {
                ArrivalsPerMinute = parse.GetValue(arrivals),
                HandleMinutes = parse.GetValue(handle),
                PatienceMinutes = parse.GetValue(patience),
                Agents = parse.GetValue(agents),
                Minutes = parse.GetValue(minutes),
                Seed = parse.GetValue(seed),
                PaceCallbacks = !parse.GetValue(noPacing),
            };
            if (parse.GetValue(target) is { } seconds)
                options = options with { Offer = options.Offer with { WaitTarget = TimeSpan.FromSeconds(seconds) } };
            if (parse.GetValue(abandonOver) is { } over)
                options = options with { Offer = options.Offer with { AbandonRateThreshold = over } };
            if (parse.GetValue(releaseBelow) is { } release)
                options = options with { Offer = options.Offer with { AbandonRateReleaseBelow = release } };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                console.Error.WriteLine($"router simulate: invalid {e.ParamName}");
                return 2;
            }
            var result = RouterSimulation.Compare(options);
            if (parse.GetValue(format) == "json")
                console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    options = new
                    {
                        options.ArrivalsPerMinute, options.HandleMinutes, options.PatienceMinutes, options.Agents, options.Minutes,
                        options.Seed, TargetWaitSeconds = options.Offer.WaitTarget?.TotalSeconds, options.PaceCallbacks,
                    },
                    off = result.Off,
                    on = result.On,
                }, Json));
            else
                console.Out.Write(result.ToTable());
            return 0;
        });
        return cmd;
    }

    // The help shows the default once, from the default value ("[default: 48]").
    private static Option<double> Number(string name, string description, double value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };
}
