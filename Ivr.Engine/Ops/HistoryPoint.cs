namespace Ivr.Engine.Ops;

/// <summary>One second of the dashboard's charts.</summary>
/// <param name="At">When it was sampled.</param>
/// <param name="Active">Live calls.</param>
/// <param name="Queued">Live calls in a queue step.</param>
/// <param name="Started">Calls admitted since start.</param>
/// <param name="Ended">Calls ended since start.</param>
/// <param name="Failed">Calls failed since start.</param>
/// <param name="Waiting">Callers waiting, by skill.</param>
public sealed record HistoryPoint(DateTimeOffset At, long Active, int Queued, long Started, long Ended, long Failed, IReadOnlyDictionary<string, int> Waiting);
