namespace Ivr.Engine.Routing;

/// <summary>The figures of one simulated run (policy off or on), over the callers who arrived after the warm-up.</summary>
public sealed record RouterSimulationReport
{
    /// <summary>Whether the offer policy was on.</summary>
    public required bool PolicyOn { get; init; }

    /// <summary>Callers counted.</summary>
    public required int Arrivals { get; init; }

    /// <summary>Callers who found every agent busy and had to wait.</summary>
    public required int Waited { get; init; }

    /// <summary>Callers answered live (without a callback).</summary>
    public required int Answered { get; init; }

    /// <summary>Callers who hung up while waiting in line.</summary>
    public required int Abandoned { get; init; }

    /// <summary>Answered within T / (answered + abandoned after T), live callers only.</summary>
    public required double ServiceLevel { get; init; }

    /// <summary>Mean wait of callers answered live, minutes.</summary>
    public required double AverageSpeedOfAnswer { get; init; }

    /// <summary>Root-mean-square error of the trusted wait estimate made at arrival against the actual wait, minutes.</summary>
    public required double EwtRmsError { get; init; }

    /// <summary>Mean absolute error of the trusted wait estimate, minutes.</summary>
    public required double EwtMeanAbsoluteError { get; init; }

    /// <summary>Callback offers made (a caller may be offered more than once).</summary>
    public required int OffersMade { get; init; }

    /// <summary>Offers accepted: callbacks booked.</summary>
    public required int OffersAccepted { get; init; }

    /// <summary>Callbacks that reached the customer and an agent.</summary>
    public required int CallbacksServed { get; init; }

    /// <summary>Callbacks given up after the last attempt went unanswered.</summary>
    public required int CallbacksFailed { get; init; }

    /// <summary>Callbacks neither served nor failed when the run ended.</summary>
    public required int CallbacksPending { get; init; }

    /// <summary>Callbacks dialled or settled again after being settled: must be zero.</summary>
    public required int CallbacksDuplicated { get; init; }

    /// <summary>The longest time any caller spent in line before a first offer (or leaving, if never offered), minutes.</summary>
    public required double MaxWaitWithoutOffer { get; init; }

    /// <summary>Virtual time when the run ended, minutes (past the arrivals when draining).</summary>
    public required double EndedAtMinutes { get; init; }

    /// <summary>Fraction of callers who had to wait, P(wait &gt; 0).</summary>
    public double ProbabilityOfWait => Arrivals > 0 ? (double)Waited / Arrivals : 0;

    /// <summary>Fraction of callers who abandoned in line, P(abandon).</summary>
    public double AbandonRate => Arrivals > 0 ? (double)Abandoned / Arrivals : 0;
}
