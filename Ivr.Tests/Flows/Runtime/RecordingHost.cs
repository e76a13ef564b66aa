using Ivr.Flows.Runtime;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>A flow host that records every effect, in order.</summary>
internal sealed class RecordingHost : IFlowHost
{
    public List<FlowEffect> Effects { get; } = [];

    public void Execute(FlowEffect effect)
    {
        Assert.False(Effects.LastOrDefault() is EndedEffect, $"effect {effect} after EndedEffect");
        Effects.Add(effect);
    }

    public IEnumerable<T> Of<T>() where T : FlowEffect => Effects.OfType<T>();

    public T Last<T>() where T : FlowEffect => Effects.OfType<T>().Last();

    public int LastTimer => Last<StartTimerEffect>().Token;

    /// <summary>Texts of the last play effect, joined by " | ".</summary>
    public string LastPlayed => string.Join(" | ", Last<PlayEffect>().Prompts.Select(p => p.Text ?? p.Sound));

    public FlowOutcome? Outcome => Effects.OfType<EndedEffect>().SingleOrDefault()?.Outcome;

    public void Clear() => Effects.Clear();
}
