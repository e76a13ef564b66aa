namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// Reconnect delays: exponential from <see cref="Initial"/>, doubled per failed attempt, capped at <see cref="Max"/>, with
/// "equal jitter" (a delay d is drawn in [d/2, d]) so engines that lost the same Asterisk do not reconnect in step.
/// </summary>
/// <param name="Initial">The delay after the first failure.</param>
/// <param name="Max">The cap.</param>
public sealed record AmiBackoff(TimeSpan Initial, TimeSpan Max)
{
    /// <summary>250 ms doubling up to 4 s: a restarted Asterisk is found again within about 4 s of it listening.</summary>
    public static AmiBackoff Default { get; } = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));

    /// <summary>The delay before attempt <paramref name="failures"/> + 1 (1 after the first failure), jittered by <paramref name="random"/>.</summary>
    public TimeSpan Delay(int failures, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (failures < 1) return TimeSpan.Zero;
        var exponent = Math.Min(failures - 1, 30);
        var ceiling = Math.Min(Initial.Ticks * Math.Pow(2, exponent), Max.Ticks);
        var ticks = ceiling / 2 + random.NextDouble() * ceiling / 2;
        return TimeSpan.FromTicks((long)ticks);
    }
}
