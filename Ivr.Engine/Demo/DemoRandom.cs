namespace Ivr.Engine.Demo;

/// <summary>The demo's random draws, shared by caller and phone tasks (thread-safe; seeded for repeatable runs).</summary>
internal sealed class DemoRandom(int? seed)
{
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock _gate = new();

    /// <summary>A uniform draw in [0, 1).</summary>
    public double Next()
    {
        lock (_gate) return _random.NextDouble();
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Next() < p;

    /// <summary>A uniform time in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public TimeSpan Between(TimeSpan low, TimeSpan high) => low + (high - low) * Next();

    /// <summary>An exponential time of mean <paramref name="mean"/>, at least <paramref name="floor"/>.</summary>
    public TimeSpan Exponential(TimeSpan mean, TimeSpan floor)
    {
        var t = mean * -Math.Log(1 - Next());
        return t < floor ? floor : t;
    }

    /// <summary>A French mobile number in E.164 (+336 and eight digits), which the sample dial plan accepts for callbacks.</summary>
    public string MobileNumber()
    {
        lock (_gate) return "+336" + _random.Next(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
