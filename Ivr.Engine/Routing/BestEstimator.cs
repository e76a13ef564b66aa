namespace Ivr.Engine.Routing;

/// <summary>
/// Runs several wait estimators side by side for one skill, scores each against the actual waits of answered callers
/// (root-mean-square error over the last <c>window</c> answers) and trusts the one with the lower error; the first
/// estimator (queue-length by default) is trusted until every estimator has <c>minimumSamples</c> scores.
/// </summary>
/// <remarks>Abandoned callers are not scored: their actual wait to service is unknown (censored).</remarks>
public sealed class BestEstimator
{
    private readonly IWaitEstimator[] _estimators;
    private readonly ErrorWindow[] _errors;
    private readonly int _minimumSamples;

    /// <summary>Creates the chooser over <paramref name="estimators"/> (default: queue-length, then head-of-line).</summary>
    public BestEstimator(IReadOnlyList<IWaitEstimator>? estimators = null, int window = 500, int minimumSamples = 30)
    {
        _estimators = estimators is { Count: > 0 } ? [.. estimators] : [new QueueLengthEstimator(), new HeadOfLineEstimator()];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        _errors = [.. _estimators.Select(_ => new ErrorWindow(window))];
        _minimumSamples = minimumSamples;
    }

    /// <summary>The estimators, in the order of <see cref="WaitEstimates"/> indexes.</summary>
    public IReadOnlyList<IWaitEstimator> Estimators => _estimators;

    /// <summary>Index of the estimator trusted now.</summary>
    public int Chosen
    {
        get
        {
            if (_errors.Any(e => e.Count < _minimumSamples)) return 0;
            var best = 0;
            for (var i = 1; i < _errors.Length; i++)
                if (_errors[i].Rms < _errors[best].Rms) best = i;
            return best;
        }
    }

    /// <summary>Runs every estimator for a caller joining the queue.</summary>
    public WaitEstimates EstimateAll(in WaitContext context)
    {
        var values = new TimeSpan[_estimators.Length];
        for (var i = 0; i < values.Length; i++) values[i] = _estimators[i].Estimate(context);
        return new WaitEstimates(values, Chosen);
    }

    /// <summary>Scores each estimate made for a caller against the wait it actually had before an agent answered.</summary>
    public void RecordAnswered(WaitEstimates estimates, TimeSpan actualWait)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        for (var i = 0; i < _errors.Length && i < estimates.Count; i++)
            _errors[i].Add((estimates[i] - actualWait).TotalMinutes);
    }

    /// <summary>Root-mean-square error of estimator <paramref name="index"/>, in minutes, over the recent answers.</summary>
    public double RmsError(int index) => _errors[index].Rms;

    /// <summary>Mean absolute error of estimator <paramref name="index"/>, in minutes, over the recent answers.</summary>
    public double MeanAbsoluteError(int index) => _errors[index].Mae;

    /// <summary>How many answers estimator <paramref name="index"/> has been scored on (at most the window).</summary>
    public int Samples(int index) => _errors[index].Count;

    /// <summary>Fixed-size ring of recent errors with running sums of |e| and e².</summary>
    private sealed class ErrorWindow(int size)
    {
        private readonly double[] _errors = new double[size];
        private int _next;
        private double _absoluteSum;
        private double _squareSum;

        public int Count { get; private set; }

        public double Rms => Count > 0 ? Math.Sqrt(Math.Max(0, _squareSum) / Count) : double.PositiveInfinity;

        public double Mae => Count > 0 ? Math.Max(0, _absoluteSum) / Count : double.PositiveInfinity;

        public void Add(double error)
        {
            if (Count == _errors.Length)
            {
                var old = _errors[_next];
                _absoluteSum -= Math.Abs(old);
                _squareSum -= old * old;
            }
            else
            {
                Count++;
            }
            _errors[_next] = error;
            _absoluteSum += Math.Abs(error);
            _squareSum += error * error;
            _next = (_next + 1) % _errors.Length;
        }
    }
}
