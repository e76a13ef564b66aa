using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Benchmarks;

/// <summary>Flows built in code for the runtime benchmarks, and a host that discards effects.</summary>
public static class BenchFlows
{
    /// <summary>welcome menu (speech + DTMF) → account digits → billing queue, padded with <paramref name="extraSteps"/>
    /// further steps so the cost of a call can be compared across flow sizes.</summary>
    public static FlowDocument MenuDigitsQueue(int extraSteps = 0)
    {
        var steps = new List<Step>
        {
            new MenuStep
            {
                Name = "main", Pointer = "/steps/main", Prompt = PromptRef.Of("main"), OnExhausted = "support",
                NoInput = [PromptRef.Of("again")], NoMatch = [PromptRef.Of("again")],
                Choices =
                [
                    Choice("1", "account", "billing", "facturation"),
                    Choice("2", "support", "support", "assistance"),
                    Choice("3", "pad0", "sales", "ventes"),
                ],
            },
            new DigitsStep
            {
                Name = "account", Pointer = "/steps/account", Prompt = PromptRef.Of("account"), Variable = "account",
                Min = 6, Max = 8, Pattern = "[0-9]+", Next = "billing", OnExhausted = "support",
            },
            new QueueStep
            {
                Name = "billing", Pointer = "/steps/billing", Skill = "billing", Hold = PromptRef.Of("hold"),
                OnCallback = "bye", OnMessage = "bye", OnFailure = "bye",
            },
            new QueueStep
            {
                Name = "support", Pointer = "/steps/support", Skill = "support",
                OnCallback = "bye", OnMessage = "bye", OnFailure = "bye",
            },
            new HangupStep { Name = "bye", Pointer = "/steps/bye", Prompt = PromptRef.Of("bye") },
        };
        for (var i = 0; i < Math.Max(1, extraSteps); i++)
        {
            var next = i + 1 < Math.Max(1, extraSteps) ? $"pad{i + 1}" : "bye";
            steps.Add(new PlayStep { Name = $"pad{i}", Pointer = $"/steps/pad{i}", Prompt = PromptRef.Of("bye"), Next = next });
        }
        return new FlowDocument
        {
            Id = "bench",
            Version = "1.0.0",
            Language = "en-US",
            Languages = ["en-US", "fr-FR"],
            Start = "main",
            Variables = new Dictionary<string, string> { ["account"] = "" },
            Prompts = new[] { "main", "again", "account", "hold", "bye" }.ToDictionary(n => n, n => new PromptDefinition(n,
                new Dictionary<string, PromptVariant>
                {
                    ["en-US"] = new($"en-US/{n}.wav", $"{n} text", ""),
                    ["fr-FR"] = new($"fr-FR/{n}.wav", $"{n} texte", ""),
                }, "")),
            Steps = steps.ToDictionary(s => s.Name),
            Source = SourceInfo.InMemory("bench"),
        };
    }

    /// <summary>Drives one call: start, menu by DTMF, eight account digits, queue connected.</summary>
    public static FlowRun DriveMenuDigitsQueue(CompiledFlow flow, IFlowHost host, CallInfo call)
    {
        var run = flow.CreateRun(host, call, TimeProvider.System);
        run.Start();
        run.PromptFinished();
        run.Digit('1');
        run.PromptFinished();
        run.Digit('1');
        run.Digit('2');
        run.Digit('3');
        run.Digit('4');
        run.Digit('5');
        run.Digit('6');
        run.Digit('7');
        run.Digit('8');
        run.QueueResult(QueueOutcome.Connected);
        return run;
    }

    private static MenuChoice Choice(string key, string next, string en, string fr) => new(
        [key],
        new Dictionary<string, IReadOnlyList<string>> { ["en-US"] = [en], ["fr-FR"] = [fr] },
        next, null, new Dictionary<string, string>(), "");
}
