namespace Ivr.Flows.Runtime;

/// <summary>Record a voice message; the host reports <see cref="FlowRun.RecordingFinished"/>.</summary>
/// <param name="MaxLength">Longest recording.</param>
/// <param name="Beep">Play a beep first.</param>
/// <param name="FinishKey">DTMF key that ends the recording (empty = none).</param>
/// <param name="Skill">Mailbox tag, or null.</param>
public sealed record RecordEffect(TimeSpan MaxLength, bool Beep, string FinishKey, string? Skill) : FlowEffect;
