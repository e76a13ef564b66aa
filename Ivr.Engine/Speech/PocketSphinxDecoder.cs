using System.Runtime.InteropServices;

namespace Ivr.Engine.Speech;

/// <summary>
/// One native PocketSphinx decoder (16 kHz US English) holding many named JSGF searches, one per grammar. Not
/// thread-safe: a session leases it from the <see cref="DecoderPool"/> for one utterance.
/// </summary>
internal sealed class PocketSphinxDecoder : IDisposable
{
    private readonly HashSet<string> _searches = new(StringComparer.Ordinal);
    private IntPtr _ps;
    private string? _active;

    private PocketSphinxDecoder(IntPtr ps)
    {
        _ps = ps;
        Logmath = PocketSphinxNative.PsGetLogmath(ps);
    }

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
            "-logfn", "/dev/null",
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

            return new PocketSphinxDecoder(ps);
        }
        finally
        {
            foreach (var p in argv)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>Selects the JSGF search <paramref name="name"/> (compiling it on first use) and starts an utterance.</summary>
    public void Start(string name, string jsgf)
    {
        ObjectDisposedException.ThrowIf(_ps == IntPtr.Zero, this);
        if (_searches.Add(name))
        {
            int rc;
            lock (PocketSphinxNative.Gate)
            {
                rc = PocketSphinxNative.PsSetJsgfString(_ps, name, jsgf);
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

        if (PocketSphinxNative.PsStartUtt(_ps) < 0)
        {
            throw new InvalidOperationException("PocketSphinx could not start an utterance.");
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
            // Fillers are <s>, </s>, <sil> and bracketed noises like [NOISE] or [SPEECH].
            if (word is { Length: > 0 } && word[0] != '<' && word[0] != '[' && word[0] != '+')
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
