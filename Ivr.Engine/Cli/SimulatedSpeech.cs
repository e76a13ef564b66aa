using Ivr.Engine.Speech;
using Ivr.Flows.Runtime;
using Ivr.Flows.Simulation;

namespace Ivr.Engine.Cli;

/// <summary>
/// <c>flow simulate --audio file.wav</c>: each file is what the caller says at the next listening turn, decoded by the
/// real offline recognizer (PocketSphinx) with that turn's grammar, through the telephone path (taken to 8 kHz first);
/// the result goes to the flow as the engine would deliver it: a phrase with its confidence, a no-match, or silence.
/// </summary>
internal static class SimulatedSpeech
{
    /// <summary>What is wrong with the files or the recognizer, or null when all can be used.</summary>
    public static string? Check(IReadOnlyList<string> files)
    {
        foreach (var file in files)
        {
            if (!File.Exists(file)) return $"'{file}' does not exist";
            try
            {
                _ = WavAudio.Read(file);
            }
            catch (InvalidDataException ex)
            {
                return $"'{file}' is not a 16-bit PCM WAV file: {ex.Message}";
            }
        }

        using var probe = new PocketSphinxRecognizer();
        return probe.IsAvailable ? null : probe.UnavailableReason;
    }

    /// <summary>Runs the call: the audio files first, one per listening turn, then the script's tokens.</summary>
    public static SimulationResult Run(CompiledFlow flow, IReadOnlyList<string> files, IReadOnlyList<InputToken> script, SimulationOptions options, TextWriter output, bool text)
    {
        using var recognizer = new PocketSphinxRecognizer();
        var sim = new FlowSimulation(flow, options);
        sim.Start();
        foreach (var file in files)
        {
            sim.Settle();
            if (sim.IsOver) break;
            var token = Hear(recognizer, sim.Listening, file, out var note);
            if (text) output.WriteLine($"audio {Path.GetFileName(file)}: {note}");
            sim.Deliver(token);
        }

        foreach (var token in script)
        {
            if (sim.IsOver) break;
            sim.Deliver(token);
        }

        return sim.Finish();
    }

    private static InputToken Hear(PocketSphinxRecognizer recognizer, ListenEffect? listening, string file, out string note)
    {
        if (listening is null)
        {
            note = "not heard (this turn takes DTMF only): silence";
            return new InputToken(InputTokenKind.NoInput);
        }

        if (!recognizer.SupportsLocale(listening.Locale))
        {
            note = $"not heard (no offline recognizer for {listening.Locale}): silence";
            return new InputToken(InputTokenKind.NoInput);
        }

        var wav = WavAudio.Read(file);
        var narrow = wav.SampleRate == 8000 ? wav.Samples : wav.Resample(8000).Samples;
        var options = RecognitionOptions.Default with { MinConfidence = Math.Max(RecognitionOptions.Default.MinConfidence, listening.MinConfidence) };
        using var session = recognizer.StartSession(SpeechGrammar.Create(listening.Phrases, listening.Locale), options);
        const int Frame = 160;
        var result = default(RecognitionResult);
        var padded = new short[narrow.Length + 8000]; // a second of silence after it, so the end of speech is seen
        narrow.CopyTo(padded, 0);
        for (var i = 0; i + Frame <= padded.Length && result is null; i += Frame)
        {
            if (session.Feed(padded.AsSpan(i, Frame)) == RecognitionSignal.Completed) result = session.Result;
        }

        result ??= session.Finish();
        switch (result.Kind)
        {
            case RecognitionKind.Match:
                note = $"heard '{result.Text}' ({result.Confidence:0.00})";
                return new InputToken(InputTokenKind.Speech, result.Text!, Math.Round(result.Confidence, 2));
            case RecognitionKind.NoMatch:
                note = $"no match (heard '{result.Hypothesis}', {result.Confidence:0.00})";
                return new InputToken(InputTokenKind.NoMatch);
            default:
                note = "no speech: silence";
                return new InputToken(InputTokenKind.NoInput);
        }
    }
}
