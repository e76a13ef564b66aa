using System.Globalization;
using System.Text;

namespace Ivr.Engine.Routing;

/// <summary>The same arrivals simulated with the offer policy off and on.</summary>
/// <param name="Options">What was simulated.</param>
/// <param name="Off">The run without offers.</param>
/// <param name="On">The run with the offer policy.</param>
public sealed record RouterSimulationResult(RouterSimulationOptions Options, RouterSimulationReport Off, RouterSimulationReport On)
{
    /// <summary>A plain-text table, policy off and on side by side.</summary>
    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<(string Name, string Off, string On)>
        {
            ("arrivals", Off.Arrivals.ToString(c), On.Arrivals.ToString(c)),
            ("P(wait > 0)", Percent(Off.ProbabilityOfWait), Percent(On.ProbabilityOfWait)),
            ("answered live", Off.Answered.ToString(c), On.Answered.ToString(c)),
            ($"service level ({Options.ServiceLevelSeconds.ToString(c)} s)", Percent(Off.ServiceLevel), Percent(On.ServiceLevel)),
            ("ASA", Seconds(Off.AverageSpeedOfAnswer), Seconds(On.AverageSpeedOfAnswer)),
            ("abandoned in queue", Off.Abandoned.ToString(c), On.Abandoned.ToString(c)),
            ("abandonment rate", Percent(Off.AbandonRate), Percent(On.AbandonRate)),
            ("EWT error (RMS)", Seconds(Off.EwtRmsError), Seconds(On.EwtRmsError)),
            ("EWT error (mean abs)", Seconds(Off.EwtMeanAbsoluteError), Seconds(On.EwtMeanAbsoluteError)),
            ("offers made", Off.OffersMade.ToString(c), On.OffersMade.ToString(c)),
            ("offers accepted", Off.OffersAccepted.ToString(c), On.OffersAccepted.ToString(c)),
            ("callbacks served", Off.CallbacksServed.ToString(c), On.CallbacksServed.ToString(c)),
            ("callbacks failed", Off.CallbacksFailed.ToString(c), On.CallbacksFailed.ToString(c)),
            ("callbacks pending at end", Off.CallbacksPending.ToString(c), On.CallbacksPending.ToString(c)),
            ("max wait without an offer", Seconds(Off.MaxWaitWithoutOffer), Seconds(On.MaxWaitWithoutOffer)),
            ("ended at (min)", Off.EndedAtMinutes.ToString("0.0", c), On.EndedAtMinutes.ToString("0.0", c)),
        };
        var nameWidth = rows.Max(r => r.Name.Length);
        var offWidth = Math.Max("policy off".Length, rows.Max(r => r.Off.Length));
        var onWidth = Math.Max("policy on".Length, rows.Max(r => r.On.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"λ={Options.ArrivalsPerMinute}/min  handle={Options.HandleMinutes} min  patience={Options.PatienceMinutes} min  agents={Options.Agents}  minutes={Options.Minutes}  seed={Options.Seed}\n");
        text.Append(CultureInfo.InvariantCulture, $"{"".PadRight(nameWidth)}  {"policy off".PadLeft(offWidth)}  {"policy on".PadLeft(onWidth)}\n");
        foreach (var (name, off, on) in rows)
            text.Append(CultureInfo.InvariantCulture, $"{name.PadRight(nameWidth)}  {off.PadLeft(offWidth)}  {on.PadLeft(onWidth)}\n");
        return text.ToString();

        string Percent(double value) => (100 * value).ToString("0.00", c) + " %";
        string Seconds(double minutes) => (60 * minutes).ToString("0.0", c) + " s";
    }
}
