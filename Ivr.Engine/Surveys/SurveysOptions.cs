namespace Ivr.Engine.Surveys;

/// <summary>The <c>Surveys</c> section (see <c>docs/surveys.md</c>).</summary>
public sealed class SurveysOptions
{
    /// <summary>A caller whose agent answered within this many seconds is "answered without waiting" (default 20).</summary>
    public double NoWaitSeconds { get; set; } = 20;

    /// <summary>Surveys kept in memory while the store refuses them, tried again; older ones beyond it are dropped and logged (default 10,000).</summary>
    public int MaxUnwritten { get; set; } = 10_000;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(NoWaitSeconds) || NoWaitSeconds < 0 || NoWaitSeconds > 3600)
            throw new InvalidOperationException($"Surveys:NoWaitSeconds must be between 0 and 3600 seconds (got {NoWaitSeconds}).");
        if (MaxUnwritten < 1) throw new InvalidOperationException($"Surveys:MaxUnwritten must be at least 1 (got {MaxUnwritten}).");
    }
}
