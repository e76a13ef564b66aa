namespace Ivr.Engine.Routing.Callbacks;

/// <summary>
/// How many dial attempts a callback gets, how long to wait between them (exponential back-off), and when an attempt cut
/// short by a crash counts as served.
/// </summary>
/// <param name="MaxAttempts">Attempts before the callback is reported failed.</param>
/// <param name="FirstBackoff">Wait after the first unanswered attempt.</param>
/// <param name="Multiplier">Each further wait is this many times the previous one.</param>
public sealed record CallbackRetryPolicy(int MaxAttempts, TimeSpan FirstBackoff, double Multiplier = 2)
{
    /// <summary>Three attempts, two minutes then four minutes apart.</summary>
    public static CallbackRetryPolicy Default { get; } = new(3, TimeSpan.FromMinutes(2));

    /// <summary>
    /// A callback whose customer and agent had been talking this long when the engine died counts as served after the
    /// restart (Connected, with the reason in its last outcome) instead of being dialled again (<c>Routing:CallbackServedAfter</c>).
    /// </summary>
    public TimeSpan ServedAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before the next attempt after <paramref name="attemptsMade"/> unanswered ones (≥ 1).</summary>
    public TimeSpan BackoffAfter(int attemptsMade) =>
        TimeSpan.FromTicks((long)(FirstBackoff.Ticks * Math.Pow(Multiplier, Math.Max(0, attemptsMade - 1))));
}
