using System.Collections.Frozen;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>The registry of step behaviours, keyed by the JSON <c>"type"</c>.</summary>
internal static class StepBehaviors
{
    private static readonly FrozenDictionary<string, StepBehavior> ByKind = new StepBehavior[]
    {
        new PlayBehavior(), new MenuBehavior(), new DigitsBehavior(), new BranchBehavior(), new SetBehavior(),
        new QueueBehavior(), new TransferBehavior(), new MessageBehavior(), new CallbackBehavior(), new HangupBehavior(),
        new GotoBehavior(), new SubflowBehavior(), new ReturnBehavior(), new HttpBehavior(), new SurveyBehavior(),
    }.ToFrozenDictionary(b => b.Kind, StringComparer.Ordinal);

    /// <summary>The behaviour of a kind, or null when the runtime does not know it.</summary>
    public static StepBehavior? Find(string kind) => ByKind.GetValueOrDefault(kind);

    /// <summary>Every kind the runtime runs.</summary>
    public static IEnumerable<string> Kinds => ByKind.Keys;
}
