namespace Ivr.Engine.Routing;

/// <summary>
/// Exact Erlang-A (M/M/n+M) figures from the stationary distribution of its birth-death chain: births at rate λ,
/// deaths at min(k, n)·μ + max(0, k − n)·θ in state k. All rates share one time unit (per minute throughout Routing).
/// </summary>
/// <remarks>
/// The chain is summed in log space (so λ = n = 100 and far beyond neither overflow nor underflow) and truncated at a
/// state K past which the tail is bounded rigorously: for k &gt; n the ratio π(k+1)/π(k) = λ/(nμ + (k+1−n)θ) is
/// non-increasing, so Σ_{k&gt;K} π(k) ≤ π(K)·r/(1−r) with r the first omitted ratio. K is raised until that bound and the
/// matching bound on the queue-length tail are below 1e-15 of the total. θ = 0 is Erlang C and needs λ &lt; nμ.
/// </remarks>
public sealed class ErlangA
{
    private const double Tolerance = 1e-15;
    private const int MaxStates = 5_000_000;

    // π(n + j) for j = 0..J: the probability that an arrival finds j callers already waiting.
    private readonly double[] _queueTail;
    private readonly double _probabilityNoWait;

    /// <summary>Solves the chain for arrival rate λ, service rate μ per agent, abandonment rate θ (1/mean patience) and n agents.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is negative or not finite, μ or n is not positive, or θ = 0 with λ ≥ nμ.</exception>
    /// <exception cref="ArgumentException">The tail is so heavy that more than five million states would be needed.</exception>
    public ErlangA(double arrivalRate, double serviceRate, double abandonmentRate, int agents)
    {
        if (!(arrivalRate >= 0) || double.IsInfinity(arrivalRate)) throw new ArgumentOutOfRangeException(nameof(arrivalRate));
        if (!(serviceRate > 0) || double.IsInfinity(serviceRate)) throw new ArgumentOutOfRangeException(nameof(serviceRate));
        if (!(abandonmentRate >= 0) || double.IsInfinity(abandonmentRate)) throw new ArgumentOutOfRangeException(nameof(abandonmentRate));
        if (agents <= 0) throw new ArgumentOutOfRangeException(nameof(agents));
        if (abandonmentRate == 0 && arrivalRate >= agents * serviceRate)
            throw new ArgumentOutOfRangeException(nameof(arrivalRate), "Without abandonment the queue is stable only when λ < nμ.");

        ArrivalRate = arrivalRate;
        ServiceRate = serviceRate;
        AbandonmentRate = abandonmentRate;
        Agents = agents;

        if (arrivalRate == 0)
        {
            _queueTail = [];
            _probabilityNoWait = 1;
            return;
        }

        var logTerms = new List<double> { 0.0 };
        double logMax = 0, scaledSum = 1, logLambda = Math.Log(arrivalRate);
        for (var k = 1; ; k++)
        {
            var death = DeathRate(k);
            var logTerm = logTerms[k - 1] + logLambda - Math.Log(death);
            logTerms.Add(logTerm);
            if (logTerm > logMax)
            {
                scaledSum *= Math.Exp(logMax - logTerm);
                logMax = logTerm;
            }
            scaledSum += Math.Exp(logTerm - logMax);

            if (k < agents) continue;
            var r = arrivalRate / DeathRate(k + 1);
            if (r >= 1) continue;
            var last = Math.Exp(logTerm - logMax);
            var probabilityTail = last * r / (1 - r);
            var queueTail = last * ((k - agents) * r / (1 - r) + r / ((1 - r) * (1 - r)));
            if (probabilityTail <= Tolerance * scaledSum && queueTail <= Tolerance * scaledSum)
            {
                TruncationBound = Math.Max(probabilityTail, queueTail) / scaledSum;
                break;
            }
            if (k >= MaxStates) throw new ArgumentException("The Erlang-A tail needs more than five million states.");
        }

        var logTotal = logMax + Math.Log(scaledSum);
        _probabilityNoWait = 0;
        for (var k = 0; k < agents; k++) _probabilityNoWait += Math.Exp(logTerms[k] - logTotal);
        _queueTail = new double[logTerms.Count - agents];
        for (var j = 0; j < _queueTail.Length; j++) _queueTail[j] = Math.Exp(logTerms[agents + j] - logTotal);

        double waiting = 0, queueLength = 0, servedAfterWait = 0, servedWaitSum = 0;
        double reachService = 1, meanTimeToService = 0;
        for (var j = 0; j < _queueTail.Length; j++)
        {
            // A caller with j ahead leaves position i at rate nμ + iθ (someone ahead goes) plus θ (it gives up itself).
            var advance = agents * serviceRate + j * abandonmentRate;
            var leave = advance + abandonmentRate;
            reachService *= advance / leave;
            meanTimeToService += 1 / leave;
            var p = _queueTail[j];
            waiting += p;
            queueLength += j * p;
            servedAfterWait += p * reachService;
            servedWaitSum += p * reachService * meanTimeToService;
        }

        // Stationary queue length: state n + j holds j waiting callers.
        ProbabilityOfWait = waiting;
        MeanQueueLength = queueLength;
        MeanWait = queueLength / arrivalRate;
        ProbabilityOfAbandon = abandonmentRate * queueLength / arrivalRate;
        var served = _probabilityNoWait + servedAfterWait;
        ProbabilityServedAfterWait = servedAfterWait;
        AverageSpeedOfAnswer = served > 0 ? servedWaitSum / served : 0;
    }

    /// <summary>Arrival rate λ.</summary>
    public double ArrivalRate { get; }

    /// <summary>Service rate μ of one agent (1 / mean handle time).</summary>
    public double ServiceRate { get; }

    /// <summary>Abandonment rate θ (1 / mean patience); 0 gives Erlang C.</summary>
    public double AbandonmentRate { get; }

    /// <summary>Number of agents n.</summary>
    public int Agents { get; }

    /// <summary>Probability that an arriving caller finds every agent busy, P(N ≥ n) (PASTA).</summary>
    public double ProbabilityOfWait { get; }

    /// <summary>Probability that a caller abandons: θ·E[Lq]/λ.</summary>
    public double ProbabilityOfAbandon { get; }

    /// <summary>Probability that a caller waits and is then answered.</summary>
    public double ProbabilityServedAfterWait { get; }

    /// <summary>Mean number of callers waiting, E[Lq].</summary>
    public double MeanQueueLength { get; }

    /// <summary>Mean time in queue over all callers, answered or not: E[W] = E[Lq]/λ (Little's law).</summary>
    public double MeanWait { get; }

    /// <summary>Average speed of answer: the mean wait of answered callers only (zero waits included).</summary>
    public double AverageSpeedOfAnswer { get; }

    /// <summary>Rigorous upper bound on the probability mass (and queue-length mass) dropped by truncation.</summary>
    public double TruncationBound { get; }

    /// <summary>Probability that a caller is still waiting after <paramref name="t"/> (neither answered nor gone).</summary>
    public double ProbabilityWaitExceeds(double t) => Transient(t).StillWaiting;

    /// <summary>Probability that a caller is answered within <paramref name="t"/>, zero waits included.</summary>
    public double ProbabilityAnsweredWithin(double t) => _probabilityNoWait + Transient(t).Answered;

    /// <summary>Probability that a caller abandons within <paramref name="t"/>.</summary>
    public double ProbabilityAbandonedWithin(double t) => Transient(t).Abandoned;

    /// <summary>
    /// Service level for threshold <paramref name="t"/>: answered within t / (answered + abandoned after t), the
    /// definition <see cref="WaitMeter"/> measures; callers who give up before t are left out of it.
    /// </summary>
    public double ServiceLevel(double t)
    {
        var (answered, abandoned, _) = Transient(t);
        var denominator = 1 - abandoned;
        return denominator > 0 ? (_probabilityNoWait + answered) / denominator : 1;
    }

    private double DeathRate(int k) =>
        Math.Min(k, Agents) * ServiceRate + Math.Max(0, k - Agents) * AbandonmentRate;

    /// <summary>
    /// Uniformization of the tagged caller's journey through the positions j, j−1, …, 0: after Poisson(Λt) jumps of the
    /// embedded chain, how much mass was answered, abandoned, or is still waiting.
    /// </summary>
    private (double Answered, double Abandoned, double StillWaiting) Transient(double t)
    {
        if (!(t >= 0)) throw new ArgumentOutOfRangeException(nameof(t));
        var size = _queueTail.Length;
        if (size == 0) return (0, 0, 0);
        var nMu = Agents * ServiceRate;
        var theta = AbandonmentRate;
        var uniform = nMu + size * theta;
        var mean = uniform * t;

        var v = (double[])_queueTail.Clone();
        var next = new double[size];
        double answeredSoFar = 0, abandonedSoFar = 0, remaining = v.Sum();
        double answered = 0, abandoned = 0, stillWaiting = 0, weightSum = 0;
        var logMean = mean > 0 ? Math.Log(mean) : double.NegativeInfinity;
        var logWeight = -mean;
        var limit = (int)Math.Ceiling(mean + 12 * Math.Sqrt(mean) + 30);
        for (var step = 0; step <= limit; step++)
        {
            if (step > 0) logWeight += logMean - Math.Log(step);
            var weight = step == 0 ? Math.Exp(-mean) : Math.Exp(logWeight);
            answered += weight * answeredSoFar;
            abandoned += weight * abandonedSoFar;
            stillWaiting += weight * remaining;
            weightSum += weight;
            if (step > mean && 1 - weightSum < 1e-14) break;

            remaining = 0;
            for (var i = 0; i < size; i++)
            {
                var advance = nMu + i * theta;
                var stay = v[i] * (1 - (advance + theta) / uniform);
                var fromBehind = i + 1 < size ? v[i + 1] * (nMu + (i + 1) * theta) / uniform : 0;
                next[i] = stay + fromBehind;
                remaining += next[i];
                abandonedSoFar += v[i] * theta / uniform;
            }
            answeredSoFar += v[0] * nMu / uniform;
            (v, next) = (next, v);
        }
        return (answered, abandoned, stillWaiting);
    }
}
