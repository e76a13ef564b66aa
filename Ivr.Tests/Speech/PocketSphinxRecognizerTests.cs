using Ivr.Engine.Speech;
using Xunit.Abstractions;

namespace Ivr.Tests.Speech;

public class PocketSphinxRecognizerTests(SpeechCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SpeechCorpusFixture>
{
    private static readonly TimeSpan Lead = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(1);

    [Fact]
    public void Recognize_SyntheticCorpusAt8kHz_AtLeast90PercentRight()
    {
        var right = 0;
        foreach (var u in corpus.Utterances)
        {
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(u.Audio, Lead, Tail));
            var ok = result.Kind == RecognitionKind.Match && result.Text == u.Phrase;
            right += ok ? 1 : 0;
            output.WriteLine($"{(ok ? "ok  " : "MISS")} {u} -> {result.Kind} '{result.Hypothesis}' confidence {result.Confidence:F2}");
        }

        var accuracy = (double)right / corpus.Utterances.Count;
        output.WriteLine($"synthetic corpus: {right}/{corpus.Utterances.Count} right ({accuracy:P1})");
        // Measured 59/60: espeak-ng's "six" and "seven" lose their /s/ in the 3.4 kHz telephone band; the narrowband
        // pronunciations recover them (52/60 without, SibilantDigitsTests).
        Assert.True(accuracy >= 0.90, $"only {right}/{corpus.Utterances.Count} right");
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(-10)]
    [InlineData(6)]
    public void Recognize_QuieterOrLouderCaller_StillAtLeast90PercentRight(double db)
    {
        // A quiet line is common on the phone: the level normalisation brings each utterance to one level before the
        // decoder. Measured without it (and without the narrowband pronunciations): 46/60 at -10 dB, 22/60 at -20 dB.
        // With both: 57/60 at -10 dB, 55/60 at -20 dB (fewer bits left in the quiet audio), 58/60 at +6 dB.
        var gain = Math.Pow(10, db / 20);
        int Right(IEnumerable<CorpusUtterance> utterances, double g) => utterances.Count(u =>
        {
            var audio = u.Audio.Select(x => (short)Math.Clamp(x * g, short.MinValue, short.MaxValue)).ToArray();
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(audio, Lead, Tail));
            return result.Kind == RecognitionKind.Match && result.Text == u.Phrase;
        });

        var nominal = Right(corpus.Utterances, 1);
        var scaled = Right(corpus.Utterances, gain);

        output.WriteLine($"corpus at {db:+0;-0} dB: {scaled}/{corpus.Utterances.Count} right (nominal level: {nominal})");
        Assert.True(scaled >= 0.9 * corpus.Utterances.Count, $"{scaled} right at {db:+0;-0} dB against {nominal} at the nominal level");
    }

    [Fact]
    public void Recognize_SyntheticCorpusWithoutSibilantDigits_AtLeast90PercentRight()
    {
        var utterances = corpus.Utterances.Where(u => u.Phrase is not ("six" or "seven")).ToList();
        var right = 0;
        foreach (var u in utterances)
        {
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(u.Audio, Lead, Tail));
            right += result.Kind == RecognitionKind.Match && result.Text == u.Phrase ? 1 : 0;
        }

        output.WriteLine($"without six/seven: {right}/{utterances.Count}");
        Assert.True(right >= 0.9 * utterances.Count, $"only {right}/{utterances.Count} right");
    }

    [Fact]
    public void Recognize_Silence_NoInputAtTimeout()
    {
        var options = new RecognitionOptions { NoInputTimeout = TimeSpan.FromSeconds(3) };
        using var session = corpus.Recognizer.StartSession(corpus.Grammar, options);
        var line = new short[8000 * 5];
        new WhiteNoise(7, 0.001).AddTo(line); // a quiet line, not digital zero

        var result = SpeechTestAudio.Recognize(session, line);

        Assert.Equal(RecognitionKind.NoInput, result.Kind);
        Assert.Null(result.Text);
        Assert.Null(session.SpeechStartedAt);
        Assert.Equal(TimeSpan.FromSeconds(3), session.Elapsed);
        Assert.True(session.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public void Recognize_NonsensePhrase_NoMatchOrLowConfidence()
    {
        var rejected = 0;
        foreach (var (name, audio) in corpus.Nonsense)
        {
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(audio, Lead, Tail));
            output.WriteLine($"{name} -> {result.Kind} '{result.Hypothesis}' confidence {result.Confidence:F2}");
            Assert.NotEqual(RecognitionKind.NoInput, result.Kind);
            if (result.Kind == RecognitionKind.NoMatch || result.Confidence < 0.55)
            {
                rejected++;
            }
        }

        Assert.Equal(corpus.Nonsense.Count, rejected);
    }

    [Theory]
    [InlineData("billing")]
    [InlineData("technical support")]
    [InlineData("yes")]
    [InlineData("four")]
    [InlineData("nine")]
    public void Feed_CompletePhrase_ResultWithin200MsOfTheEndOfSpeech(string phrase)
    {
        // Audio time, not wall-clock time (the compute cost of that frame is measured in SpeechBenchmarks): the result
        // comes on the frame where the pause after a phrase no longer phrase continues reaches CompleteSilence.
        foreach (var u in corpus.Utterances.Where(x => x.Phrase == phrase))
        {
            var (completedAt, speechEnd, result) = FeedUntilResult(corpus.Grammar, SpeechTestAudio.Pad(u.Audio, Lead, Tail));
            output.WriteLine($"{u}: speech ends at {speechEnd.TotalMilliseconds:F0} ms of audio, result '{result.Text}' at {completedAt.TotalMilliseconds:F0} ms (+{(completedAt - speechEnd).TotalMilliseconds:F0} ms)");
            Assert.Equal(phrase, result.Text);
            Assert.InRange(completedAt - speechEnd, RecognitionOptions.Default.CompleteSilence, TimeSpan.FromMilliseconds(200));
        }
    }

    [Fact]
    public void Feed_PhraseThatALongerOneContinues_WaitsTheFullEndSilence()
    {
        // "billing" next to "billing address": the caller may go on, so the pause must last EndSilence.
        var grammar = SpeechGrammar.Create(["billing", "billing address", "sales"]);
        var u = corpus.Utterances.First(x => x.Phrase == "billing" && x.Voice == "en-us");

        var (completedAt, speechEnd, result) = FeedUntilResult(grammar, SpeechTestAudio.Pad(u.Audio, Lead, Tail));

        output.WriteLine($"speech ends at {speechEnd.TotalMilliseconds:F0} ms of audio, result '{result.Text}' at {completedAt.TotalMilliseconds:F0} ms");
        Assert.Equal("billing", result.Text);
        Assert.InRange(completedAt - speechEnd, RecognitionOptions.Default.EndSilence, RecognitionOptions.Default.EndSilence + TimeSpan.FromMilliseconds(40));
    }

    // Feeds 20 ms frames until the session completes; the end of speech is the end of the last frame above the VAD's
    // sustain level over digital silence (-51 dBFS), i.e. the caller's last audible sound.
    private (TimeSpan CompletedAt, TimeSpan SpeechEnd, RecognitionResult Result) FeedUntilResult(SpeechGrammar grammar, short[] audio)
    {
        using var session = corpus.Recognizer.StartSession(grammar);
        var completedAt = TimeSpan.Zero;
        for (var i = 0; i + 160 <= audio.Length; i += 160)
        {
            if (session.Feed(audio.AsSpan(i, 160)) == RecognitionSignal.Completed)
            {
                completedAt = session.Elapsed;
                break;
            }
        }

        var lastLoud = 0;
        for (var i = 0; i + 160 <= audio.Length; i += 160)
        {
            if (EnergyVoiceActivityDetector.EnergyDbfs(audio.AsSpan(i, 160)) > -51) lastLoud = i + 160;
        }

        Assert.NotNull(session.Result);
        return (completedAt, TimeSpan.FromSeconds(lastLoud / 8000.0), session.Result!);
    }

    [Fact]
    public void Recognize_SpokenDigit_ReportsDigit()
    {
        var u = corpus.Utterances.First(x => x.Phrase == "four" && x.Voice == "en-us");
        using var session = corpus.Recognizer.StartSession(corpus.Grammar);

        var result = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(u.Audio, Lead, Tail));

        Assert.Equal(RecognitionKind.Match, result.Kind);
        Assert.Equal('4', result.Digit);
        Assert.InRange(result.Confidence, 0.55, 1.0);
    }

    [Fact]
    public void Finish_DuringSpeech_DecodesWhatWasHeard()
    {
        // Cut in the middle of the word: the caller is still speaking when the call asks for the result.
        var u = corpus.Utterances.First(x => x.Phrase == "billing" && x.Voice == "en-gb");
        var audio = SpeechTestAudio.Pad(u.Audio.AsSpan(0, u.Audio.Length * 6 / 10), Lead, TimeSpan.Zero);
        using var session = corpus.Recognizer.StartSession(corpus.Grammar);
        for (var i = 0; i + 160 <= audio.Length; i += 160)
        {
            session.Feed(audio.AsSpan(i, 160));
        }

        Assert.True(session.InSpeech);
        var result = session.Finish();

        Assert.NotEqual(RecognitionKind.NoInput, result.Kind);
        Assert.Same(result, session.Result);
    }

    [Fact]
    public void StartSession_ManyConcurrentCallers_DecodersArePooled()
    {
        var u = corpus.Utterances.First(x => x.Phrase == "sales" && x.Voice == "en-us");
        var audio = SpeechTestAudio.Pad(u.Audio, Lead, Tail);
        var results = new RecognitionResult[8];
        Parallel.For(0, results.Length, i =>
        {
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            results[i] = SpeechTestAudio.Recognize(session, audio);
        });

        Assert.All(results, r => Assert.Equal("sales", r.Text));
        Assert.InRange(corpus.Recognizer.DecodersCreated, 1, results.Length + 1);
    }

    [Fact]
    public void Recognize_WholeCorpusOnConcurrentPooledDecoders_SameResultsAsOneDecoderInOrder()
    {
        // Under load callers speak at once on several pooled decoders, each with its own history: every branch (the
        // phrase matched, or no-match) must be the one the audio gives on a single decoder in corpus order, or the branch
        // a caller takes would depend on who else was speaking. (Confidences of a few misrecognised "seven"s still move
        // by a few hundredths with the decoder's history: PocketSphinx's Gaussian top-N cache is not reset per utterance.)
        string Decode(PocketSphinxRecognizer recognizer, CorpusUtterance u)
        {
            using var session = recognizer.StartSession(corpus.Grammar);
            var r = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(u.Audio, Lead, Tail));
            return $"{u} -> {(r.Kind == RecognitionKind.Match ? r.Text : "no-match")}";
        }

        using var alone = new PocketSphinxRecognizer(PocketSphinxOptions.Default with { MaxIdleDecoders = 1 });
        var expected = corpus.Utterances.Select(u => Decode(alone, u)).ToList();
        using var pooled = new PocketSphinxRecognizer();
        var reversed = corpus.Utterances.AsEnumerable().Reverse().ToList();
        var results = new string[reversed.Count];
        for (var round = 0; round < 2; round++)
        {
            Parallel.For(0, reversed.Count, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => results[i] = Decode(pooled, reversed[i]));
            Assert.Equal(expected, results.Reverse());
        }

        Assert.True(pooled.DecodersCreated > 1, "the decoders were pooled");
    }

    [Fact]
    public void Recognize_SameAudioAfterOtherCallersSpeech_SameResult()
    {
        // One pooled decoder serves every session, as under load: what earlier callers said must not change a result.
        using var recognizer = new PocketSphinxRecognizer(PocketSphinxOptions.Default with { MaxIdleDecoders = 1 });
        var probes = corpus.Utterances.Where(x => x.Voice == "en-gb" && x.WordsPerMinute == 140).ToList();
        string Decode(CorpusUtterance u)
        {
            using var session = recognizer.StartSession(corpus.Grammar);
            var r = SpeechTestAudio.Recognize(session, SpeechTestAudio.Pad(u.Audio, Lead, Tail));
            return $"{u.Phrase} -> {r.Hypothesis} {r.Confidence:R}";
        }

        var first = probes.Select(Decode).ToList();
        foreach (var u in corpus.Utterances.Where(x => x.Voice == "en-us")) Decode(u);
        var again = probes.Select(Decode).ToList();

        Assert.Equal(1, recognizer.DecodersCreated);
        Assert.Equal(first, again);
    }

    [Fact]
    public void CheckGrammar_OutOfDictionaryWord_DropsAndNamesIt()
    {
        var grammar = SpeechGrammar.Create(["Billing", "frobnozzle account", "Technical support!"]);

        var check = corpus.Recognizer.CheckGrammar(grammar);

        Assert.Contains("billing", check.Accepted);
        Assert.Contains("technical support", check.Accepted);
        var dropped = Assert.Single(check.Dropped);
        Assert.Equal("frobnozzle account", dropped.Phrase);
        Assert.Equal(["frobnozzle"], dropped.UnknownWords);
        Assert.False(check.IsComplete);
    }

    [Fact]
    public void SupportsLocale_French_False()
    {
        Assert.True(corpus.Recognizer.SupportsLocale("en-US"));
        Assert.False(corpus.Recognizer.SupportsLocale("fr-FR"));
        Assert.Throws<NotSupportedException>(() => corpus.Recognizer.StartSession(SpeechGrammar.Create(["facturation"], "fr-FR")));
    }

    [Fact]
    public void IsAvailable_ModelMissing_FalseWithInstallHintAndNoThrow()
    {
        using var recognizer = new PocketSphinxRecognizer(new PocketSphinxOptions { AcousticModel = "/nonexistent/en-us" });

        Assert.False(recognizer.IsAvailable);
        Assert.Contains("pocketsphinx-en-us", recognizer.UnavailableReason);
        Assert.DoesNotContain('\n', recognizer.UnavailableReason!);
        Assert.Throws<InvalidOperationException>(() => recognizer.StartSession(SpeechGrammar.Create(["billing"])));
    }

    [Fact]
    public void Feed_SpeechAfterSilence_SignalsSpeechStartedWithin100Ms()
    {
        foreach (var u in corpus.Utterances.Where(x => x.WordsPerMinute == 170))
        {
            var audio = SpeechTestAudio.Pad(u.Audio, TimeSpan.FromSeconds(1), Tail);
            var onset = Enumerable.Range(8000, audio.Length - 8000).First(i => Math.Abs((int)audio[i]) > 328); // −40 dBFS
            using var session = corpus.Recognizer.StartSession(corpus.Grammar);
            var fired = -1;
            for (var i = 0; i + 160 <= audio.Length && fired < 0; i += 160)
            {
                if (session.Feed(audio.AsSpan(i, 160)) == RecognitionSignal.SpeechStarted)
                {
                    fired = i + 160;
                }
            }

            var latencyMs = (fired - onset) / 8.0;
            Assert.True(latencyMs is >= 0 and <= 100, $"{u}: start-of-speech {latencyMs} ms after onset");
            Assert.True(session.InSpeech);
        }
    }

    [Fact]
    public void Dispose_MidUtterance_DecoderReusableByNextSession()
    {
        var u = corpus.Utterances.First(x => x.Phrase == "agent" && x.Voice == "en-gb");
        var audio = SpeechTestAudio.Pad(u.Audio, Lead, Tail);
        using (var abandoned = corpus.Recognizer.StartSession(corpus.Grammar))
        {
            for (var i = 0; i < 8000; i += 160)
            {
                abandoned.Feed(audio.AsSpan(i, 160)); // a DTMF digit wins half-way through the word
            }

            Assert.True(abandoned.InSpeech);
        }

        using var next = corpus.Recognizer.StartSession(corpus.Grammar);
        Assert.Equal("agent", SpeechTestAudio.Recognize(next, audio).Text);
    }
}
