using BenchmarkDotNet.Attributes;
using Ivr.Engine.Speech;

namespace Ivr.Benchmarks;

/// <summary>
/// Offline recognition cost per utterance: an espeak-ng phrase at 8 kHz (300 ms lead-in, the phrase, 700 ms of
/// silence so the 600 ms end-of-speech timer fires) fed in 20 ms frames to a PocketSphinx session, as a call would.
/// Real-time factor = mean time / <see cref="AudioSeconds"/> (printed at setup).
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
public class SpeechBenchmarks
{
    private PocketSphinxRecognizer _recognizer = null!;
    private SpeechGrammar _grammar = null!;
    private short[] _audio = [];
    private short[] _second = [];
    private short[] _wide = [];
    private RationalResampler _upsampler = null!;

    /// <summary>The phrase spoken.</summary>
    [Params("billing", "technical support")]
    public string Phrase { get; set; } = "billing";

    /// <summary>Seconds of audio one utterance feeds.</summary>
    public double AudioSeconds => _audio.Length / 8000.0;

    [GlobalSetup]
    public void Setup()
    {
        _recognizer = new PocketSphinxRecognizer();
        if (!_recognizer.IsAvailable)
        {
            throw new InvalidOperationException(_recognizer.UnavailableReason);
        }

        _grammar = SpeechGrammar.Create(["billing", "technical support", "sales", "agent", "yes", "no"]);
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(Path.GetTempPath(), "ivr-bench-tts") });
        var speech = WavAudio.Read(synthesizer.RenderAsync(Phrase, "en-US").GetAwaiter().GetResult()).Samples;
        _audio = new short[2400 + speech.Length + 5600];
        speech.CopyTo(_audio, 2400);
        _second = _audio[..8000];
        _upsampler = new RationalResampler(8000, 16000);
        _wide = new short[_upsampler.MaxOutput(_second.Length)];
        _recognizer.WarmUp();
        var check = Recognize();
        Console.WriteLine($"// {Phrase}: {AudioSeconds:F3} s of audio per utterance, recognised as {check.Kind} '{check.Text}' ({check.Confidence:F2})");
    }

    [GlobalCleanup]
    public void Cleanup() => _recognizer.Dispose();

    /// <summary>One whole listening turn: VAD, upsampling, noise, streaming decode, final search.</summary>
    [Benchmark]
    public RecognitionResult Recognize()
    {
        using var session = _recognizer.StartSession(_grammar);
        for (var i = 0; i + 160 <= _audio.Length; i += 160)
        {
            if (session.Feed(_audio.AsSpan(i, 160)) == RecognitionSignal.Completed)
            {
                return session.Result!;
            }
        }

        return session.Finish();
    }

    /// <summary>The 8 → 16 kHz windowed-sinc interpolator on one second of audio.</summary>
    [Benchmark]
    public int UpsampleOneSecond() => _upsampler.Process(_second, _wide);
}

/// <summary>
/// Result latency after end of speech: a session is fed an utterance up to the frame on which its end-silence timer
/// expires (in the iteration setup); the benchmark is that last frame — the decoder's final search, the lattice posterior
/// and the grammar match — i.e. what the caller waits for beyond the configured end silence (600 ms by default).
/// </summary>
[MemoryDiagnoser]
[InProcessToolchain]
[InvocationCount(1)]
public class SpeechEndOfSpeechBenchmarks
{
    private PocketSphinxRecognizer _recognizer = null!;
    private SpeechGrammar _grammar = null!;
    private short[] _audio = [];
    private int _lastFrame;
    private IRecognitionSession? _session;

    /// <summary>The phrase spoken.</summary>
    [Params("billing", "technical support")]
    public string Phrase { get; set; } = "billing";

    [GlobalSetup]
    public void Setup()
    {
        _recognizer = new PocketSphinxRecognizer();
        if (!_recognizer.IsAvailable)
        {
            throw new InvalidOperationException(_recognizer.UnavailableReason);
        }

        _grammar = SpeechGrammar.Create(["billing", "technical support", "sales", "agent", "yes", "no"]);
        var synthesizer = new EspeakSynthesizer(new EspeakOptions { CacheDirectory = Path.Combine(Path.GetTempPath(), "ivr-bench-tts") });
        var speech = WavAudio.Read(synthesizer.RenderAsync(Phrase, "en-US").GetAwaiter().GetResult()).Samples;
        _audio = new short[2400 + speech.Length + 8000];
        speech.CopyTo(_audio, 2400);
        _recognizer.WarmUp();
        using var probe = _recognizer.StartSession(_grammar);
        for (var i = 0; i + 160 <= _audio.Length; i += 160)
        {
            if (probe.Feed(_audio.AsSpan(i, 160)) == RecognitionSignal.Completed)
            {
                _lastFrame = i;
                Console.WriteLine($"// {Phrase}: end of speech decided at {i / 8.0:F0} ms of audio; result {probe.Result!.Kind} '{probe.Result.Text}'");
                return;
            }
        }

        throw new InvalidOperationException("the end-silence timer never fired");
    }

    [IterationSetup]
    public void FeedUpToEndOfSpeech()
    {
        _session = _recognizer.StartSession(_grammar);
        for (var i = 0; i < _lastFrame; i += 160)
        {
            _session.Feed(_audio.AsSpan(i, 160));
        }
    }

    /// <summary>The frame that ends the utterance: final search and result.</summary>
    [Benchmark]
    public RecognitionSignal ResultAfterEndOfSpeech() => _session!.Feed(_audio.AsSpan(_lastFrame, 160));

    [IterationCleanup]
    public void EndSession() => _session?.Dispose();

    [GlobalCleanup]
    public void Cleanup() => _recognizer.Dispose();
}
