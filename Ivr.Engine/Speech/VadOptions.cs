namespace Ivr.Engine.Speech;

/// <summary>Thresholds of the energy-based voice activity detector (levels in dB relative to full scale).</summary>
public sealed record VadOptions
{
    /// <summary>Defaults tuned for 8 kHz telephone audio in 20 ms frames.</summary>
    public static VadOptions Default { get; } = new();

    /// <summary>Onset needs the frame energy this far above the tracked noise floor.</summary>
    public double OnsetAboveFloorDb { get; init; } = 12;

    /// <summary>Onset also needs at least this absolute level, so a perfectly silent line never triggers on noise.</summary>
    public double MinOnsetDbfs { get; init; } = -45;

    /// <summary>Speech continues while energy stays this far above the floor (hysteresis below the onset level).</summary>
    public double SustainAboveFloorDb { get; init; } = 6;

    /// <summary>Consecutive loud frames needed for onset (2 × 20 ms keeps clicks out and barge-in under 100 ms).</summary>
    public int OnsetFrames { get; init; } = 2;
}
