using System.Text.Json;
using Ivr.Flows.Simulation;

namespace Ivr.Engine.Cli;

/// <summary>Renders simulated calls for the terminal (ASCII markers: <c>-&gt;</c> step, <c>&gt;&gt;</c> prompt, <c>&lt;&lt;</c> input) or as JSON.</summary>
internal static class TranscriptWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Line(TranscriptEntry e, string topFlow) => e.Kind switch
    {
        TranscriptKind.Step => $"-> {(e.Flow == topFlow ? "" : e.Flow + "/")}{e.Text}",
        TranscriptKind.Prompt => $"   >> [{e.Name ?? "inline"}] {e.Text}",
        TranscriptKind.PromptStopped => $"   >> {e.Text}",
        TranscriptKind.Listen or TranscriptKind.Timer => $"   .. {e.Text}",
        TranscriptKind.Input => $"<< {e.Text}",
        TranscriptKind.Ignored => $"   !! {e.Text}",
        TranscriptKind.Retry => $"   ~~ {e.Text}",
        TranscriptKind.Outcome => $"== outcome: {e.Text}",
        _ => $"   == {e.Text}",
    };

    /// <summary>False for the run's outcome entry: the text output states the outcome once, on its last line.</summary>
    public static bool Shown(TranscriptEntry e) => e.Kind != TranscriptKind.Outcome;

    public static void WriteText(TextWriter output, SimulationResult result, bool transcript = true)
    {
        if (transcript)
        {
            foreach (var e in result.Transcript)
            {
                if (Shown(e)) output.WriteLine(Line(e, result.FlowId));
            }
        }
        output.WriteLine($"path: {string.Join(" > ", result.PathNames)}");
        output.WriteLine($"outcome: {result.Outcome}");
    }

    public static object ToJson(SimulationResult r) => new
    {
        flow = r.FlowId,
        outcome = r.Outcome,
        ended = r.Ended,
        language = r.Language,
        events = r.Events,
        path = r.PathNames,
        variables = r.Variables,
        transcript = r.Transcript.Select(e => new
        {
            kind = e.Kind.ToString().ToLowerInvariant(),
            flow = e.Flow,
            step = e.Step,
            name = e.Name,
            text = e.Text,
        }),
    };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Json);
}
