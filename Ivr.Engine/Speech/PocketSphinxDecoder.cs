using System.Runtime.InteropServices;

namespace Ivr.Engine.Speech;

/// <summary>
/// One native PocketSphinx decoder (16 kHz US English) holding many named JSGF searches, one per grammar. Not
/// thread-safe: a session leases it from the <see cref="DecoderPool"/> for one utterance.
/// </summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    private readonly HashSet<string> _searches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _addedWords = new(StringComparer.Ordinal);
    private readonly float[]? _cmnInit;
    private readonly IntPtr _cmn;
    private IntPtr _ps;
    private string? _active;

    private PocketSphinxDecoder(IntPtr ps, float[] expectedCmnInit)
    {
        _ps = ps;
        Logmath = PocketSphinxNative.PsGetLogmath(ps);
        (_cmn, _cmnInit) = FindCepstralMean(ps, expectedCmnInit);
    }

    /// <summary>
    /// True when every utterance starts from the model's initial cepstral mean. PocketSphinx's live CMN otherwise carries
    /// its estimate from one utterance to the next, so with pooled decoders a caller's result would depend on which
    /// decoder (and whose earlier speech) it got: measured over RTP, 4 of 60 results differed from the same audio
    /// decoded alone.
    /// </summary>
    public bool ResetsCepstralMean => _cmnInit is not null;

    private IntPtr Logmath { get; }

    public static PocketSphinxDecoder Create(PocketSphinxOptions options, string acousticModel)
    {
        lock (PocketSphinxNative.Gate)
        {
            return CreateLocked(options, acousticModel);
        }
    }

    private static PocketSphinxDecoder CreateLocked(PocketSphinxOptions options, string acousticModel)
    {
        string[] args =
        [
            "ivr",
            "-hmm", acousticModel,
            "-dict", options.Dictionary,
            "-samprate", "16000",
            "-bestpath", "yes",
            // No spectral noise subtraction: its running noise estimate outlives utterances, so the same audio decoded
            // after other callers' speech or on another pooled decoder gave another result ("nine" heard as "five").
            // Our VAD, pre-roll and noise floor frame each utterance instead. (Restarting the stream per utterance,
            // ps_start_stream, resets that estimate but also the frame count the Gaussian top-N cache is keyed on,
            // which made results depend on the previous utterance more, not less.)
            "-remove_noise", "no",
            "-logfn", "/dev/null",
            .. DefaultBeam(options),
            .. options.ExtraArguments,
        ];
        var argv = new IntPtr[args.Length];
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                argv[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
            }

            // argv[0] is the program name and skipped, as in main(); strict = 1 rejects unknown options.
            var config = PocketSphinxNative.CmdLnParseR(IntPtr.Zero, PocketSphinxNative.PsArgs(), args.Length, argv, 1);
            if (config == IntPtr.Zero)
            {
                throw new InvalidOperationException("PocketSphinx rejected its configuration.");
            }

            var ps = PocketSphinxNative.PsInit(config);
            PocketSphinxNative.CmdLnFreeR(config); // ps_init took its own reference
            if (ps == IntPtr.Zero)
            {
                throw new InvalidOperationException($"PocketSphinx could not load the model at {options.AcousticModel}.");
            }

            return new PocketSphinxDecoder(ps, ParseVector(options.CepstralMeanInit));
        }
        finally
        {
            foreach (var p in argv)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    // The narrowband pronunciations put more paths in the beam: at PocketSphinx's default (1e-48) the right phrase was
    // sometimes pruned ("technical support" lost to "four" in a three-phrase menu); from 1e-56 on it was not, at the
    // cost measured in SpeechBenchmarks. An explicit -beam in ExtraArguments wins (PocketSphinx rejects a repeated option).
    private static string[] DefaultBeam(PocketSphinxOptions options) =>
        options.NarrowbandPronunciations && !options.ExtraArguments.Contains("-beam") ? ["-beam", "1e-56"] : [];

    /// <summary>Selects the JSGF search of <paramref name="grammar"/> (compiling it on first use) and starts an utterance.</summary>
    public void Start(CompiledGrammar grammar)
    {
        ObjectDisposedException.ThrowIf(_ps == IntPtr.Zero, this);
        var name = grammar.SearchName;
        if (_searches.Add(name))
        {
            int rc;
            lock (PocketSphinxNative.Gate)
            {
                // Alternates must be in the dictionary before the search is built: -fsgusealtpron adds them to the FSG then.
                AddVariants(grammar);
                rc = PocketSphinxNative.PsSetJsgfString(_ps, name, grammar.Jsgf);
            }

            if (rc < 0)
            {
                _searches.Remove(name);
                throw new InvalidOperationException($"PocketSphinx rejected grammar {name}.");
            }
        }

        if (_active != name)
        {
            if (PocketSphinxNative.PsSetSearch(_ps, name) < 0)
            {
                throw new InvalidOperationException($"PocketSphinx could not select search {name}.");
            }

            _active = name;
        }

        if (_cmnInit is not null)
        {
            unsafe
            {
                fixed (float* v = _cmnInit)
                {
                    PocketSphinxNative.CmnLiveSet(_cmn, v);
                }
            }
        }

        if (PocketSphinxNative.PsStartUtt(_ps) < 0)
        {
            throw new InvalidOperationException("PocketSphinx could not start an utterance.");
        }
    }

    private void AddVariants(CompiledGrammar grammar)
    {
        foreach (var variant in grammar.Variants)
        {
            // A decoder keeps one dictionary for all its searches: a word shared by two grammars is added once.
            if (_addedWords.Add(variant.Name) && PocketSphinxNative.PsAddWord(_ps, variant.Name, variant.Phones, 0) < 0)
            {
                _searches.Remove(grammar.SearchName);
                throw new InvalidOperationException($"PocketSphinx rejected the pronunciation {variant.Name} {variant.Phones}.");
            }
        }
    }

    /// <summary>Decodes 16 kHz samples; returns whether the decoder's own detector is in speech.</summary>
    public unsafe bool Process(ReadOnlySpan<short> samples)
    {
        fixed (short* p = samples)
        {
            PocketSphinxNative.PsProcessRaw(_ps, p, (nuint)samples.Length, 0, 0);
        }

        return PocketSphinxNative.PsGetInSpeech(_ps) != 0;
    }

    /// <summary>The best hypothesis so far, mid-utterance (the words of the best path to the last frame), or null.</summary>
    public string? Partial()
    {
        var hyp = PocketSphinxNative.PsGetHyp(_ps, out _);
        var text = hyp == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(hyp);
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    // Fillers are <s>, </s>, <sil> and bracketed noises like [NOISE] or [SPEECH].
    private static bool IsWord(string? word) => word is { Length: > 0 } && word[0] != '<' && word[0] != '[' && word[0] != '+';

    /// <summary>
    /// Ends the utterance and returns the best hypothesis (null if none), its lattice posterior (ps_get_prob, log base
    /// 1.0001, made linear by logmath_exp) and how many 10 ms frames its words span (first word start to last word end).
    /// </summary>
    public DecodeOutcome End()
    {
        PocketSphinxNative.PsEndUtt(_ps);
        var hyp = PocketSphinxNative.PsGetHyp(_ps, out _);
        var text = hyp == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(hyp);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new DecodeOutcome(null, 0, 0);
        }

        var posterior = PocketSphinxNative.LogmathExp(Logmath, PocketSphinxNative.PsGetProb(_ps));
        // Frames from the start of the first real word to the end of the last one: pauses between the phrase's words
        // count, silence or noise around it does not. Segment frame numbers count from the decoder's creation, not the
        // utterance, so only durations are used.
        var wordFrames = 0;
        var pendingGap = 0;
        var seenWord = false;
        for (var seg = PocketSphinxNative.PsSegIter(_ps); seg != IntPtr.Zero; seg = PocketSphinxNative.PsSegNext(seg))
        {
            var word = Marshal.PtrToStringUTF8(PocketSphinxNative.PsSegWord(seg));
            PocketSphinxNative.PsSegFrames(seg, out var sf, out var ef);
            var frames = ef - sf + 1;
            if (IsWord(word))
            {
                wordFrames += frames + (seenWord ? pendingGap : 0);
                pendingGap = 0;
                seenWord = true;
            }
            else
            {
                pendingGap += frames;
            }
        }

        return new DecodeOutcome(text, Math.Clamp(posterior, 0, 1), wordFrames);
    }

    // The decoder's CMN state, found through feat_t and accepted only if it holds exactly the -cmninit the model was
    // loaded with (a different library build would fail this check and keep PocketSphinx's own behaviour).
    private static unsafe (IntPtr Cmn, float[]? Init) FindCepstralMean(IntPtr ps, float[] expected)
    {
        var feat = PocketSphinxNative.PsGetFeat(ps);
        // feat_t.cepsize (offset 16) is the CMN vector's length: cmn_live_get writes that many floats.
        if (feat == IntPtr.Zero || expected.Length == 0 || Marshal.ReadInt32(feat, 16) != expected.Length) return (IntPtr.Zero, null);
        var cmn = Marshal.ReadIntPtr(feat, PocketSphinxNative.FeatCmnStructOffset);
        if (cmn == IntPtr.Zero) return (IntPtr.Zero, null);
        var actual = new float[expected.Length];
        fixed (float* v = actual)
        {
            PocketSphinxNative.CmnLiveGet(cmn, v);
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(actual[i] - expected[i]) > 0.01f) return (IntPtr.Zero, null);
        }

        return (cmn, actual);
    }

    private static float[] ParseVector(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => float.Parse(x, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    public void Dispose()
    {
        if (_ps != IntPtr.Zero)
        {
            lock (PocketSphinxNative.Gate)
            {
                PocketSphinxNative.PsFree(_ps);
            }

            _ps = IntPtr.Zero;
        }
    }
}
