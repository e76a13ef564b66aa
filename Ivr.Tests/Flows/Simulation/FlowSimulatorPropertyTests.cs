using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ivr.Flows.Simulation;

namespace Ivr.Tests.Flows.Simulation;

public class FlowSimulatorPropertyTests
{
    private static readonly string[] Tokens =
    [
        "0", "1", "2", "3", "9", "*", "#", "12345678#", "123", "0612345678#", "english", "français", "billing", "facturation",
        "support", "sales", "agent", "conseiller", "say:billing@0.3", "say:@0", "", "/noinput", "/nomatch", "/hangup", "/connected",
        "/callback", "/message", "/failed", "/transfer-ok", "/transfer-fail", "/booked", "/refused", "mumble", "A", "say:x@1",
    ];

    public static Arbitrary<string[]> Scripts() =>
        Gen.ArrayOf(Gen.Elements(Tokens)).ToArbitrary();

    [Property(MaxTest = 300, Arbitrary = [typeof(FlowSimulatorPropertyTests)])]
    public void RandomTokens_OnEverySampleFlow_NeverThrow_AndDrainEndsWithinTheBound(string[] script, byte flowPick, ushort minuteOfWeek, bool vip)
    {
        var (_, flow) = SampleFlows.Compiled[flowPick % SampleFlows.Compiled.Count];
        var tokens = script.Select(t => InputToken.TryParse(t, out var token, out _) ? token : throw new InvalidOperationException(t)).ToList();
        var options = new SimulationOptions
        {
            CallerNumber = vip ? "+33199000001" : "+33123456789",
            Time = new ManualTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).AddMinutes(minuteOfWeek % 10080)),
            Drain = true,
        };

        var result = FlowSimulator.Run(flow, tokens, options);

        Assert.True(result.Events <= SimulationOptions.DefaultMaxEvents);
        Assert.True(result.Ended || result.Outcome.StartsWith("queued:", StringComparison.Ordinal), $"{result.Outcome} after {string.Join(",", script)}");
        Assert.NotEqual("event-limit", result.Outcome);
        Assert.Single(result.Transcript, e => e.Kind == TranscriptKind.Outcome);
    }
}
