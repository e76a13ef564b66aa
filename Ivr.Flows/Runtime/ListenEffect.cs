namespace Ivr.Flows.Runtime;

/// <summary>Start collecting caller input: DTMF and, when <paramref name="Phrases"/> is not empty, speech with that grammar.</summary>
/// <param name="Dtmf">Whether DTMF digits are expected.</param>
/// <param name="Phrases">Phrases for the speech grammar in <paramref name="Locale"/>; empty = no speech recognition.</param>
/// <param name="Locale">The call's current locale.</param>
/// <param name="MinConfidence">Recognitions below this confidence count as no-match.</param>
public sealed record ListenEffect(bool Dtmf, IReadOnlyList<string> Phrases, string Locale, double MinConfidence) : FlowEffect;
