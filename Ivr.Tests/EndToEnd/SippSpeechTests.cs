using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Speech through the whole engine: sipp callers stream an espeak-ng corpus (two voices, two speeds) as µ-law RTP into
/// live calls of the real <c>ivr serve</c> process, on a menu whose branches each say "OK" and return to it.
/// </summary>
/// <remarks>
/// Each caller's stream holds its utterances in fixed 3 s slots. The engine logs every result with the step the flow
/// went to and where in the caller's audio stream (by RTP time) the speech was detected, or the no-input timeout fired;
/// a result is credited to the slot holding that position, so neither load nor log latency can move it to another slot.
/// Calls run concurrently.
/// </remarks>
[Collection(EndToEndCollection.Name)]
public partial class SippSpeechTests(SpeechCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SpeechCorpusFixture>
{
    private static readonly TimeSpan Slot = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task SpokenCorpus_OverRtpFromSipp_TakesTheRightBranch_SilenceIsNoInput_NonsenseIsNoMatch()
    {
        var folder = SpeechTestAudio.TempFolder("e2e");
        var scripts = new List<SpeechCallScript>();
        foreach (var group in corpus.Utterances.GroupBy(u => (u.Voice, u.WordsPerMinute)))
        {
            // Two callers per voice and speed keep each call short.
            var list = group.ToList();
            for (var half = 0; half < 2; half++)
            {
                var script = new SpeechCallScript($"speech-{group.Key.Voice}-{group.Key.WordsPerMinute}-{half}");
                foreach (var u in list.Skip(half * 8).Take(8)) script.Add(u.Phrase, u.Audio, Lead, Slot);
                scripts.Add(script);
            }
        }
        var odd = new SpeechCallScript("speech-nonsense-silence");
        odd.Add("nonsense", corpus.Nonsense["purple elephant umbrella (en-us, 140)"], Lead, Slot + TimeSpan.FromSeconds(0.5));
        odd.Add("silence", [], TimeSpan.Zero, TimeSpan.FromSeconds(9));
        scripts.Add(odd);

        // Every caller speaks at 0.5 s, all at once: sized for that, as an operator would (Speech:WarmDecoders). With the
        // default two, the other seven model loads ran one at a time at the first word, results came up to 1.5 s late,
        // the flow with them, and under a loaded CI the second word fell before the menu listened again (DecoderPoolTests).
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:speech=speech-e2e",
            "--set", "Speech:WarmDecoders=" + scripts.Count.ToString(CultureInfo.InvariantCulture));
        await engine.WaitForLogAsync("recognition decoders loaded", TimeSpan.FromSeconds(60));
        var lines = new ConcurrentQueue<string>();
        engine.LineReceived += lines.Enqueue;

        var sipps = scripts.Select(s => SippProcess.Start(SippProcess.FreeUdpPort(), TimeSpan.FromSeconds(90),
            "-sf", s.Write(folder), "-s", "speech", "-m", "1", "-cid_str", s.CallId + "-%u", engine.Target)).ToList();
        try
        {
            var exits = await Task.WhenAll(sipps.Select(s => s.WaitAsync(TimeSpan.FromSeconds(90))));
            for (var i = 0; i < exits.Length; i++)
                Assert.True(exits[i] == 0, $"sipp {scripts[i].CallId} failed:\n{sipps[i].Output}\nengine:\n{engine.Log}");
        }
        finally
        {
            sipps.ForEach(s => s.Dispose());
        }

        // Each slot is also recognised in-process (same recogniser, the same µ-law audio with its line noise), for comparison.
        var right = 0;
        var total = 0;
        var agree = 0;
        var rightWithoutSibilantDigits = 0;
        var totalWithoutSibilantDigits = 0;
        foreach (var script in scripts.Where(s => s != odd))
        {
            var slot = 0;
            foreach (var (label, heard) in Attribute(script, lines))
            {
                total++;
                var expected = "now at r_" + label.Replace(' ', '_');
                var ok = heard?.Contains(expected, StringComparison.Ordinal) == true;
                right += ok ? 1 : 0;
                if (label is not ("six" or "seven"))
                {
                    totalWithoutSibilantDigits++;
                    rightWithoutSibilantDigits += ok ? 1 : 0;
                }

                var offline = InProcess(script.SlotAudio(slot++));
                var overRtp = heard is not null && HeardPhrase().Match(heard) is { Success: true } m ? m.Groups[1].Value : "(no match)";
                agree += offline == overRtp ? 1 : 0;
                output.WriteLine($"{(ok ? "ok  " : "MISS")} {script.CallId} '{label}': {Tail(heard)}; in-process: {offline}");
            }
        }
        output.WriteLine($"end to end over RTP: {right}/{total} utterances took the right branch ({100.0 * right / total:F1} %)");
        output.WriteLine($"without six/seven: {rightWithoutSibilantDigits}/{totalWithoutSibilantDigits}; over RTP = in-process for {agree}/{total}");

        var oddResults = Attribute(odd, lines).ToList();
        output.WriteLine($"nonsense: {Tail(oddResults[0].Heard)}; silence: {Tail(oddResults[1].Heard)}");
        Assert.Contains("no-match", oddResults[0].Heard ?? "(nothing)", StringComparison.Ordinal);
        Assert.Contains("Timeout at menu: no input", oddResults[1].Heard ?? "(nothing)", StringComparison.Ordinal);
        // The issue asks for 90 % of the whole corpus: measured 58/60 with the narrowband pronunciations and the level
        // normalisation (52/60 without the pronunciations: espeak-ng's "six" and "seven" lose what makes their /s/ an /s/
        // in the 8 kHz band; docs/speech.md, "Accuracy"). The words other than six/seven must reach 90 % too.
        Assert.True(right >= 0.9 * total, $"only {right}/{total} utterances took the right branch");
        // The in-process comparison is printed, not asserted: the engine starts listening when its prompt starts, not at
        // the slot's start, and PocketSphinx's Gaussian cache carries a little from the previous utterance, so a
        // borderline "six" can flip (59 of 60 agree since decoding no longer depends on the decoder's history).
        Assert.True(rightWithoutSibilantDigits >= 0.9 * totalWithoutSibilantDigits, $"only {rightWithoutSibilantDigits}/{totalWithoutSibilantDigits} utterances (without six/seven) took the right branch");
    }

    // The slot exactly as sent (line noise, µ-law), decoded by the same recogniser in this process.
    private string InProcess(short[] slot)
    {
        using var session = corpus.Recognizer.StartSession(corpus.Grammar);
        var result = SpeechTestAudio.Recognize(session, slot);
        return result.Kind == Ivr.Engine.Speech.RecognitionKind.Match ? result.Text! : "(no match)";
    }

    // The first speech result or no-input timeout of each slot, by where in the caller's stream the engine placed it.
    private static IEnumerable<(string Label, string? Heard)> Attribute(SpeechCallScript script, IEnumerable<string> lines)
    {
        var results = lines
            .Where(l => l.Contains("CallId=" + script.CallId + "-1 ", StringComparison.Ordinal))
            .Select(l => (Line: l, Match: ResultLine().Match(l)))
            .Where(r => r.Match.Success)
            .Select(r => (r.Line, At: double.Parse(r.Match.Groups[1].Value, CultureInfo.InvariantCulture) * SpeechCallScript.Rate))
            .ToList();
        foreach (var (label, startSample, slot) in script.Items)
        {
            yield return (label, results.FirstOrDefault(r => r.At >= startSample && r.At < startSample + slot).Line);
        }
    }

    private static string Tail(string? line) =>
        line is null ? "(no result)" : line[(line.IndexOf("Speech at", StringComparison.Ordinal) is var i and >= 0 ? i : Math.Max(0, line.IndexOf("Timeout", StringComparison.Ordinal)))..];

    [GeneratedRegex("heard '([^']+)'")]
    private static partial Regex HeardPhrase();

    [GeneratedRegex(@"(?:Speech at menu:.* from|Timeout at menu: no input \(at) (\d+\.\d+) s of the caller's audio")]
    private static partial Regex ResultLine();
}
