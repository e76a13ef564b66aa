namespace Ivr.Engine.Sip.Stack;

/// <summary>A token bucket's size: <paramref name="PerSecond"/> requests a second on average, <paramref name="Burst"/> at once.</summary>
/// <param name="PerSecond">Tokens added per second (the sustained rate).</param>
/// <param name="Burst">The bucket's capacity (requests accepted at once after a quiet spell).</param>
public sealed record SipRate(double PerSecond, int Burst)
{
    /// <summary>Throws <see cref="FormatException"/> naming <paramref name="setting"/> unless the rate and burst are positive.</summary>
    public SipRate Validated(string setting)
    {
        if (!(PerSecond > 0) || double.IsInfinity(PerSecond)) throw new FormatException($"{setting}: PerSecond must be a positive number, not {PerSecond}.");
        if (Burst < 1) throw new FormatException($"{setting}: Burst must be at least 1, not {Burst}.");
        return this;
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"{PerSecond:0.##}/s (burst {Burst})");
}
