namespace Ivr.Engine.Routing;

/// <summary>
/// An expected wait rounded to a range a caller can take in: under a minute, 1 to 2, 2 to 4, 4 to 5, then five-minute
/// steps (5 to 10 … 55 to 60), then more than an hour. Values only: the words are the engine's prompts
/// (<c>sounds/engine-prompts.json</c>, <c>Calls.EnginePrompts.ExpectedWait</c>).
/// </summary>
/// <param name="Bucket">Index of the range, 0 = under a minute; a higher index is a longer wait.</param>
/// <param name="Low">Lower end of the range.</param>
/// <param name="High">Upper end of the range, null for the open last range.</param>
public sealed record AnnouncedWait(int Bucket, TimeSpan Low, TimeSpan? High)
{
    private static readonly int[] UpperMinutes = [1, 2, 4, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60];

    /// <summary>Number of ranges, the open last one included.</summary>
    public static int BucketCount => UpperMinutes.Length + 1;

    /// <summary>The range holding <paramref name="estimate"/>.</summary>
    public static AnnouncedWait From(TimeSpan estimate)
    {
        var minutes = estimate.TotalMinutes;
        var bucket = 0;
        while (bucket < UpperMinutes.Length && minutes >= UpperMinutes[bucket]) bucket++;
        return FromBucket(bucket);
    }

    /// <summary>The range with index <paramref name="bucket"/>.</summary>
    public static AnnouncedWait FromBucket(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, BucketCount);
        var low = bucket == 0 ? 0 : UpperMinutes[bucket - 1];
        TimeSpan? high = bucket < UpperMinutes.Length ? TimeSpan.FromMinutes(UpperMinutes[bucket]) : null;
        return new AnnouncedWait(bucket, TimeSpan.FromMinutes(low), high);
    }
}
