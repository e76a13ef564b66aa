namespace Ivr.Engine.Speech;

/// <summary>
/// A listening turn on PocketSphinx: the energy VAD watches 8 kHz frames; at onset a decoder is leased; the pre-roll
/// and the first 300 ms of speech are held to measure the caller's level, then brought to a standard level, upsampled
/// to 16 kHz, mixed with a low noise floor and decoded, and every later frame as it arrives; at end of speech (or
/// sooner after a complete phrase) the utterance is closed and the hypothesis matched against the grammar.
/// </summary>
/// <remarks>
/// Confidence = lattice posterior × coverage, where coverage is the share of the voiced span (VAD onset to the last
/// loud frame) that the hypothesis' words span (capped at 1). A JSGF search always forces speech onto some phrase; when the
/// caller said something else, the decoder explains most of it with fillers (<c>[SPEECH]</c>, <c>&lt;sil&gt;</c>) and
/// the phrase covers only a fraction, which this measure exposes.
/// </remarks>
internal sealed class PocketSphinxSession : IRecognitionSession
{
    private const int InputRate = 8000;
    private const int SamplesPerDecoderFrame = InputRate / 100; // decoder frames are 10 ms
    private const int SamplesPerFrame = InputRate / 50; // level frames are 20 ms, like the VAD's
    private readonly PocketSphinxRecognizer _owner;
    private readonly CompiledGrammar _grammar;
    private readonly RecognitionOptions _options;
    private readonly EnergyVoiceActivityDetector _vad;
    // Needed only once speech starts (most listening turns of a waiting caller hear none): made then, not per session.
    private RationalResampler? _upsampler;
    private readonly WhiteNoise _noise;
    private readonly short[] _preRoll;
    private readonly TaskCompletionSource<RecognitionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private short[] _wide = [];
    private int _preRollCount;
    private int _preRollHead;
    private long _samples;
    private long _speechStartSample;
    private long _lastLoudSample;
    private PocketSphinxDecoder? _decoder;
    private readonly int _heldCapacity;
    private short[] _held = [];
    private int _heldCount;
    private bool _holding;
    private float _gain = 1f;
    private short[] _scaled = [];

    public PocketSphinxSession(PocketSphinxRecognizer owner, CompiledGrammar grammar, RecognitionOptions options, double noiseLevel)
    {
        _owner = owner;
        _grammar = grammar;
        _options = options;
        _vad = new EnergyVoiceActivityDetector(options.Vad, options.EndSilence);
        _noise = new WhiteNoise(options.NoiseSeed, noiseLevel);
        _preRoll = new short[Math.Max(1, (int)(options.PreRoll.TotalSeconds * InputRate))];
        _heldCapacity = _preRoll.Length + (int)(options.LevelWindow.TotalSeconds * InputRate) + (2 * SamplesPerFrame);
    }

    public bool InSpeech => _decoder is not null;

    public TimeSpan Elapsed => SamplesToTime(_samples);

    public TimeSpan? SpeechStartedAt { get; private set; }

    public RecognitionResult? Result { get; private set; }

    public Task<RecognitionResult> Completion => _completion.Task;

    /// <summary>Coverage of the voiced span by the hypothesis words in the last decode (for diagnostics).</summary>
    internal double LastCoverage { get; private set; }

    public RecognitionSignal Feed(ReadOnlySpan<short> frame)
    {
        if (Result is not null || frame.IsEmpty)
        {
            return RecognitionSignal.None;
        }

        _samples += frame.Length;
        var vad = _vad.Process(frame, SamplesToTime(frame.Length));
        if (_decoder is null)
        {
            RememberPreRoll(frame);
            if (vad > 0)
            {
                _speechStartSample = Math.Max(0, _samples - (_options.Vad.OnsetFrames * frame.Length));
                _lastLoudSample = _samples;
                SpeechStartedAt = SamplesToTime(_speechStartSample);
                BeginUtterance();
                return RecognitionSignal.SpeechStarted;
            }

            if (Elapsed >= _options.NoInputTimeout)
            {
                Complete(RecognitionResult.NoInput);
                return RecognitionSignal.Completed;
            }

            return RecognitionSignal.None;
        }

        if (vad == 0 && _vad.QuietDuration == TimeSpan.Zero)
        {
            _lastLoudSample = _samples;
        }

        Decode(frame);
        if (vad < 0 || SamplesToTime(_samples - _speechStartSample) >= _options.MaxSpeech)
        {
            EndUtterance();
            return RecognitionSignal.Completed;
        }

        if (HeardCompletePhrase())
        {
            PadToEndSilence();
            EndUtterance();
            return RecognitionSignal.Completed;
        }

        return RecognitionSignal.None;
    }

    public RecognitionResult Finish()
    {
        if (Result is null)
        {
            if (_decoder is not null)
            {
                EndUtterance();
            }
            else
            {
                Complete(RecognitionResult.NoInput);
            }
        }

        return Result!;
    }

    public void Dispose()
    {
        if (_decoder is not null)
        {
            // Abandoned mid-utterance: close the utterance so the decoder is clean for its next lease.
            _decoder.End();
            _owner.ReturnDecoder(_decoder);
            _decoder = null;
        }

        _completion.TrySetCanceled();
    }

    // In a pause of at least the complete-phrase silence, frame by frame until the end silence: is the best path so far
    // a phrase no longer phrase continues? (A partial search, microseconds; the final search decides the result.)
    private bool HeardCompletePhrase()
    {
        var wait = _options.CompleteSilence;
        if (wait <= TimeSpan.Zero || wait >= _options.EndSilence || _vad.QuietDuration < wait)
        {
            return false;
        }

        Flush();
        var partial = _decoder!.Partial();
        return partial is not null && _grammar.IsComplete(SpeechGrammar.Normalize(partial));
    }

    // Ending on a complete phrase before the end silence has passed: the rest of it is given to the decoder as silence,
    // so the final search sees what it would have seen had it waited (the caller is quiet), only sooner.
    private void PadToEndSilence()
    {
        Span<short> silence = stackalloc short[SamplesPerDecoderFrame * 2];
        silence.Clear();
        for (var quiet = _vad.QuietDuration; quiet < _options.EndSilence; quiet += SamplesToTime(silence.Length))
        {
            Decode(silence);
        }
    }

    private void RememberPreRoll(ReadOnlySpan<short> frame)
    {
        foreach (var s in frame)
        {
            _preRoll[_preRollHead] = s;
            _preRollHead = (_preRollHead + 1) % _preRoll.Length;
        }

        _preRollCount = Math.Min(_preRoll.Length, _preRollCount + frame.Length);
    }

    private void BeginUtterance()
    {
        var decoder = _owner.RentDecoder();
        try
        {
            decoder.Start(_grammar);
        }
        catch
        {
            _owner.ReturnDecoder(decoder);
            throw;
        }

        _decoder = decoder;
        (_upsampler ??= new RationalResampler(InputRate, 16000)).Reset();
        _holding = _options.LevelTarget is not null;
        if (_holding && _held.Length == 0) _held = new short[_heldCapacity];
        _gain = 1f;
        var start = (_preRollHead - _preRollCount + _preRoll.Length) % _preRoll.Length;
        if (start + _preRollCount <= _preRoll.Length)
        {
            Decode(_preRoll.AsSpan(start, _preRollCount));
        }
        else
        {
            Decode(_preRoll.AsSpan(start));
            Decode(_preRoll.AsSpan(0, _preRollHead));
        }
    }

    // Until the caller's level is known (LevelWindow after the onset) the pre-roll and speech are held, then decoded
    // at once with the gain that brings the loudest frame to the target.
    private void Decode(ReadOnlySpan<short> narrow)
    {
        if (_holding)
        {
            if (_heldCount + narrow.Length > _held.Length) Array.Resize(ref _held, (_heldCount + narrow.Length) * 2);
            narrow.CopyTo(_held.AsSpan(_heldCount));
            _heldCount += narrow.Length;
            if (_samples - _speechStartSample >= _options.LevelWindow.TotalSeconds * InputRate)
            {
                Flush();
            }

            return;
        }

        DecodeNow(narrow);
    }

    private void Flush()
    {
        if (!_holding)
        {
            return;
        }

        _holding = false;
        var held = _held.AsSpan(0, _heldCount);
        var peak = double.NegativeInfinity;
        for (var i = 0; i + SamplesPerFrame <= held.Length; i += SamplesPerFrame)
        {
            peak = Math.Max(peak, EnergyVoiceActivityDetector.EnergyDbfs(held.Slice(i, SamplesPerFrame)));
        }

        var gainDb = double.IsNegativeInfinity(peak) ? 0 : Math.Clamp(_options.LevelTarget!.Value - peak, _options.MinGainDb, _options.MaxGainDb);
        _gain = (float)Math.Pow(10, gainDb / 20);
        DecodeNow(held);
        _heldCount = 0;
    }

    private void DecodeNow(ReadOnlySpan<short> narrow)
    {
        if (_gain != 1f)
        {
            if (_scaled.Length < narrow.Length)
            {
                _scaled = new short[narrow.Length * 2];
            }

            for (var i = 0; i < narrow.Length; i++)
            {
                _scaled[i] = (short)Math.Clamp(narrow[i] * _gain, short.MinValue, short.MaxValue);
            }

            narrow = _scaled.AsSpan(0, narrow.Length);
        }

        var need = _upsampler!.MaxOutput(narrow.Length);
        if (_wide.Length < need)
        {
            _wide = new short[need * 2];
        }

        var n = _upsampler.Process(narrow, _wide);
        var wide = _wide.AsSpan(0, n);
        _noise.AddTo(wide);
        _decoder!.Process(wide);
    }

    private void EndUtterance()
    {
        Flush();
        var decoder = _decoder!;
        _decoder = null;
        DecodeOutcome outcome;
        try
        {
            outcome = decoder.End();
        }
        finally
        {
            _owner.ReturnDecoder(decoder);
        }

        var duration = SamplesToTime(_samples - _speechStartSample);
        var hypothesis = outcome.Hypothesis;
        var normal = hypothesis is null ? string.Empty : SpeechGrammar.Normalize(hypothesis);
        LastCoverage = Coverage(outcome.WordFrames);
        var confidence = normal.Length == 0 ? 0 : outcome.Posterior * LastCoverage;
        var result = normal.Length > 0 && _grammar.Accepts(normal) && confidence >= _options.MinConfidence
            ? new RecognitionResult(RecognitionKind.Match, _grammar.Grammar.Spelling[normal], confidence, hypothesis, duration)
            : new RecognitionResult(RecognitionKind.NoMatch, null, confidence, hypothesis, duration);
        Complete(result);
    }

    private double Coverage(int wordFrames)
    {
        var voiced = Math.Max(_lastLoudSample - _speechStartSample, SamplesPerDecoderFrame);
        return Math.Clamp((double)wordFrames * SamplesPerDecoderFrame / voiced, 0, 1);
    }

    private void Complete(RecognitionResult result)
    {
        Result = result;
        _completion.TrySetResult(result);
    }

    private static TimeSpan SamplesToTime(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / InputRate);
}
