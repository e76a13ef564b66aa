namespace Ivr.Engine.Routing;

/// <summary>Estimates how long a caller joining a skill's queue will wait before an agent answers.</summary>
public interface IWaitEstimator
{
    /// <summary>Short name for reports and metrics.</summary>
    string Name { get; }

    /// <summary>Expected wait for the caller described by <paramref name="context"/>.</summary>
    TimeSpan Estimate(in WaitContext context);
}
