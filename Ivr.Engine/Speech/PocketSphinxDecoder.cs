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

    public static PocketSphinxDecoder Create(PocketSphinxOptions options)
    {
        string[] args =
        [
            "ivr",
            "-hmm", options.AcousticModel,
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

    /// <summary>Selects (compiling on first use) the grammar's search and starts an utterance.</summary>
    public void Start(CompiledGrammar grammar)
    {
        ObjectDisposedException.ThrowIf(_ps == IntPtr.Zero, this);
        if (_searches.Add(grammar.SearchName))
        {
            if (PocketSphinxNative.PsSetJsgfString(_ps, grammar.SearchName, grammar.Jsgf) < 0)
            {
                _searches.Remove(grammar.SearchName);
                throw new InvalidOperationException($"PocketSphinx rejected grammar {grammar.SearchName}.");
            }
        }

        if (_active != grammar.SearchName)
        {
            if (PocketSphinxNative.PsSetSearch(_ps, grammar.SearchName) < 0)
            {
                throw new InvalidOperationException($"PocketSphinx could not select search {grammar.SearchName}.");
            }

            _active = grammar.SearchName;
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

    /// <summary>Ends the utterance and returns the best hypothesis (null if none) and its posterior probability.</summary>
    public (string? Hypothesis, double Posterior) End()
    {
        PocketSphinxNative.PsEndUtt(_ps);
        var hyp = PocketSphinxNative.PsGetHyp(_ps, out _);
        var text = hyp == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(hyp);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, 0);
        }

        // ps_get_prob is the log posterior of the best path in the word lattice (base 1.0001); logmath_exp makes it linear.
        var posterior = PocketSphinxNative.LogmathExp(Logmath, PocketSphinxNative.PsGetProb(_ps));
        return (text, Math.Clamp(posterior, 0, 1));
    }

    public void Dispose()
    {
        if (_ps != IntPtr.Zero)
        {
            PocketSphinxNative.PsFree(_ps);
            _ps = IntPtr.Zero;
        }
    }
}
