using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ivr.Engine.Speech;

/// <summary>
/// Offline recognition with CMU PocketSphinx (Debian packages) through P/Invoke: one JSGF search per grammar, decoders
/// pooled and leased per utterance, telephone audio upsampled 8 → 16 kHz with a noise floor for the 16 kHz model.
/// Nothing native is touched until first use; when the library or model is missing, <see cref="IsAvailable"/> is false.
/// </summary>
/// <remarks>
/// Confidence (0..1) = posterior × coverage. The posterior is <c>ps_get_prob</c> (log base 1.0001, made linear by
/// <c>logmath_exp</c>); with a small JSGF grammar it is nearly always 1, because competing phrases are pruned before the
/// lattice is built. Coverage is what separates: the share of the voiced span (our VAD's onset to its last loud frame)
/// that the hypothesis' words span in the decoder's segmentation. A grammar search forces any speech onto some
/// phrase; when the caller said something else, the decoder aligns the phrase to a fraction of it and explains the
/// rest as silence. Measured on the synthetic corpus: right phrases 0.63–1.0, nonsense sentences 0.13–0.50, real read
/// speech 0.57–0.98; hence <see cref="RecognitionOptions.MinConfidence"/> 0.55. A hypothesis that is not exactly one
/// of the grammar's phrases, or is below that floor, is a NoMatch. Only US English is supported (the only model Debian
/// ships). Grammar words get narrowband pronunciations (each /s/ may be heard as /θ/; see
/// <see cref="PocketSphinxOptions.NarrowbandPronunciations"/>).
/// </remarks>
public sealed class PocketSphinxRecognizer : ISpeechRecognizer, IDisposable
{
    private const string InstallHint = "install the Debian packages: apt-get install libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us";
    private readonly PocketSphinxOptions _options;
    private readonly Lazy<string?> _unavailable;
    private readonly Lazy<PronunciationDictionary> _dictionary;
    private readonly Lazy<DecoderPool> _pool;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CompiledGrammar> _grammars = new(StringComparer.Ordinal);

    /// <summary>Creates the recogniser; cheap, loads nothing yet. <paramref name="time"/> times idle decoders (system clock by default).</summary>
    public PocketSphinxRecognizer(PocketSphinxOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? PocketSphinxOptions.Default;
        _time = time ?? TimeProvider.System;
        _unavailable = new Lazy<string?>(Probe);
        _dictionary = new Lazy<PronunciationDictionary>(() => PronunciationDictionary.Load(_options.Dictionary));
        _pool = new Lazy<DecoderPool>(() =>
        {
            lock (PocketSphinxNative.Gate)
            {
                PocketSphinxNative.ErrSetLogfp(IntPtr.Zero); // process-wide: the C library logs to stderr otherwise
            }

            var model = TelephoneModel.Prepare(_options.AcousticModel, _options.CepstralMeanInit);
            return new DecoderPool(() => PocketSphinxDecoder.Create(_options, model),
                new DecoderPoolLimits(Math.Max(0, _options.WarmDecoders), Math.Max(1, _options.MaxIdleDecoders), _options.IdleDecoderLifetime), _time);
        });
    }

    /// <inheritdoc />
    public bool IsAvailable => _unavailable.Value is null;

    /// <inheritdoc />
    public string? UnavailableReason => _unavailable.Value;

    /// <summary>Native decoders created so far (each costs a model load).</summary>
    public int DecodersCreated => _pool.IsValueCreated ? _pool.Value.Created : 0;

    /// <summary>Decoders loaded and waiting for a caller.</summary>
    public int DecodersIdle => _pool.IsValueCreated ? _pool.Value.Idle : 0;

    /// <summary>Frees decoders idle longer than <see cref="PocketSphinxOptions.IdleDecoderLifetime"/> beyond the warm ones (also done on a timer).</summary>
    public int TrimIdleDecoders() => _pool.IsValueCreated ? _pool.Value.Trim() : 0;

    /// <inheritdoc />
    public bool SupportsLocale(string locale) =>
        IsAvailable && (locale.Equals("en", StringComparison.OrdinalIgnoreCase)
                        || locale.StartsWith("en-", StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public GrammarCheck CheckGrammar(SpeechGrammar grammar)
    {
        EnsureAvailable();
        return Compile(grammar).Check;
    }

    /// <summary>
    /// Loads <paramref name="decoders"/> decoders (default <see cref="PocketSphinxOptions.WarmDecoders"/>, at least one)
    /// ahead of the first call so callers do not wait for a model load.
    /// </summary>
    public void WarmUp(int? decoders = null)
    {
        var count = Math.Max(1, decoders ?? _options.WarmDecoders);
        EnsureAvailable();
        var pool = _pool.Value;
        var rented = new List<PocketSphinxDecoder>();
        for (var i = 0; i < count; i++)
        {
            rented.Add(pool.Rent());
        }

        rented.ForEach(pool.Return);
        _ = _dictionary.Value;
    }

    /// <inheritdoc />
    public IRecognitionSession StartSession(SpeechGrammar grammar, RecognitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        EnsureAvailable();
        if (!SupportsLocale(grammar.Locale))
        {
            throw new NotSupportedException($"PocketSphinx has no model for {grammar.Locale}; only US English is installed.");
        }

        var compiled = Compile(grammar);
        if (compiled.IsEmpty)
        {
            throw new ArgumentException("No phrase of the grammar is in the pronunciation dictionary.", nameof(grammar));
        }

        return new PocketSphinxSession(this, compiled, options ?? RecognitionOptions.Default, _options.NoiseLevel);
    }

    /// <summary>Frees all pooled decoders.</summary>
    public void Dispose()
    {
        if (_pool.IsValueCreated)
        {
            _pool.Value.Dispose();
        }
    }

    internal PocketSphinxDecoder RentDecoder() => _pool.Value.Rent();

    internal void ReturnDecoder(PocketSphinxDecoder decoder) => _pool.Value.Return(decoder);

    private CompiledGrammar Compile(SpeechGrammar grammar) =>
        _grammars.GetOrAdd(grammar.Id, _ => new CompiledGrammar(grammar, _dictionary.Value, _options.NarrowbandPronunciations));

    private void EnsureAvailable()
    {
        if (_unavailable.Value is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }

    private string? Probe()
    {
        foreach (var library in new[] { PocketSphinxNative.SphinxBaseLibrary, PocketSphinxNative.PocketSphinxLibrary })
        {
            if (!NativeLibrary.TryLoad(library, out var handle))
            {
                return $"Speech recognition is off: {library} not found; {InstallHint}.";
            }

            NativeLibrary.Free(handle);
        }

        if (!Directory.Exists(_options.AcousticModel) || !File.Exists(_options.Dictionary))
        {
            return $"Speech recognition is off: the US English model is missing ({_options.AcousticModel}); {InstallHint}.";
        }

        return null;
    }
}
