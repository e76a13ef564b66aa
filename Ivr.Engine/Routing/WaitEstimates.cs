namespace Ivr.Engine.Routing;

/// <summary>Every estimator's estimate for one caller, made when it joined; kept on the caller record to score later.</summary>
public sealed class WaitEstimates
{
    private readonly TimeSpan[] _values;

    internal WaitEstimates(TimeSpan[] values, int chosen)
    {
        _values = values;
        Chosen = chosen;
    }

    /// <summary>Index of the estimator that was trusted when the estimates were made.</summary>
    public int Chosen { get; }

    /// <summary>The trusted estimate, the one to announce and to decide offers on.</summary>
    public TimeSpan Best => _values[Chosen];

    /// <summary>Number of estimates.</summary>
    public int Count => _values.Length;

    /// <summary>The estimate of estimator <paramref name="index"/>.</summary>
    public TimeSpan this[int index] => _values[index];
}
