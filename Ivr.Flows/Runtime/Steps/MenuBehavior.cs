using System.Collections.ObjectModel;
using Ivr.Flows.Model.Steps;

namespace Ivr.Flows.Runtime.Steps;

/// <summary>Plays the menu prompt, then takes a DTMF key or a spoken phrase (case-insensitive, in the call's locale, at or
/// above <c>minConfidence</c>); a key during the prompt stops it and counts when barge-in is on. A choice applies its
/// <c>set</c> and <c>language</c>, then leaves through its edge; failures retry as the flow format's "Retries" says.</summary>
internal sealed class MenuBehavior : StepBehavior<MenuStep, MenuBehavior.Plan>
{
    public override string Kind => "menu";

    protected override Plan Build(MenuStep step, FlowCompileContext ctx)
    {
        var keys = new int[16];
        Array.Fill(keys, -1);
        var choices = new Choice[step.Choices.Count];
        for (var i = 0; i < choices.Length; i++)
        {
            var c = step.Choices[i];
            foreach (var k in c.Keys)
            {
                var index = k.Length == 1 ? Collect.KeyIndex(k[0]) : -1;
                if (index < 0) ctx.Error($"invalid DTMF key '{k}'", c.Pointer + "/keys");
                else if (keys[index] < 0) keys[index] = i;
            }
            choices[i] = new Choice(
                [.. c.Set.Select(kv => (ctx.Variables.Slot(kv.Key), Template.Parse(kv.Value, ctx.Variables)))],
                c.Language);
        }

        var phrases = new Dictionary<string, int>[ctx.Languages.Count];
        var lists = new ReadOnlyCollection<string>[ctx.Languages.Count];
        for (var l = 0; l < ctx.Languages.Count; l++)
        {
            var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var list = new List<string>();
            for (var i = 0; i < step.Choices.Count; i++)
            {
                foreach (var p in step.Choices[i].PhrasesFor(ctx.Languages[l]))
                {
                    var phrase = p.Trim();
                    if (phrase.Length == 0 || !map.TryAdd(phrase, i)) continue;
                    list.Add(phrase);
                }
            }
            phrases[l] = map;
            lists[l] = Array.AsReadOnly(step.Speech ? list.ToArray() : []);
        }

        return new Plan(
            new CollectPlan
            {
                Prompt = PromptPlan.Compile(step.Prompt, ctx),
                NoInput = [.. step.NoInput.Select(p => PromptPlan.Compile(p, ctx))],
                NoMatch = [.. step.NoMatch.Select(p => PromptPlan.Compile(p, ctx))],
                MaxRetries = step.MaxRetries,
                Reprompt = step.Reprompt,
                BargeIn = step.BargeIn,
                Timeout = TimeSpan.FromSeconds(step.Timeout),
                ExhaustedEdge = step.Choices.Count,
            },
            keys, choices, phrases, lists, step.Speech, step.MinConfidence);
    }

    public override void Enter(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        Collect.Begin(run, plan.Collect, plan.PhraseLists[run.Locale], plan.MinConfidence);
    }

    public override void PromptFinished(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase == Collect.Prompting) Collect.StartListening(run, plan.Collect, plan.PhraseLists[run.Locale], plan.MinConfidence);
    }

    public override void TimerExpired(FlowRun run, CompiledStep step)
    {
        var plan = PlanOf(step);
        if (run.Phase == Collect.Listening) Collect.Fail(run, plan.Collect, false, plan.PhraseLists[run.Locale], plan.MinConfidence);
    }

    public override void Digit(FlowRun run, CompiledStep step, char key)
    {
        var plan = PlanOf(step);
        if (!Collect.Accepts(run, plan.Collect)) return;
        var index = Collect.KeyIndex(key);
        Choose(run, plan, index < 0 ? -1 : plan.Keys[index]);
    }

    public override void Heard(FlowRun run, CompiledStep step, string text, double confidence)
    {
        var plan = PlanOf(step);
        if (!plan.Speech || !Collect.Accepts(run, plan.Collect)) return;
        var choice = confidence >= plan.MinConfidence && plan.Phrases[run.Locale].TryGetValue(text.Trim(), out var c) ? c : -1;
        Choose(run, plan, choice);
    }

    private static void Choose(FlowRun run, Plan plan, int choice)
    {
        if (choice < 0)
        {
            Collect.Fail(run, plan.Collect, true, plan.PhraseLists[run.Locale], plan.MinConfidence);
            return;
        }
        var c = plan.Choices[choice];
        foreach (var (slot, template) in c.Set) run.SetValue(slot, template.Render(run.Values));
        if (c.Language is not null) run.SetValue(VariableTable.Language, c.Language);
        run.Go(choice);
    }

    internal sealed record Choice((int Slot, Template Value)[] Set, string? Language);

    internal sealed record Plan(
        CollectPlan Collect,
        int[] Keys,
        Choice[] Choices,
        Dictionary<string, int>[] Phrases,
        ReadOnlyCollection<string>[] PhraseLists,
        bool Speech,
        double MinConfidence);
}
