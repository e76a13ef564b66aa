namespace Ivr.Engine.Speech.Azure;

/// <summary>
/// One listening turn on Azure: the VAD runs on every frame; the utterance (with a pre-roll) is collected and, at end of
/// speech, recognised off the caller's thread; <see cref="Completion"/> carries the result (Feed never blocks on HTTP).
/// </summary>
internal sealed class AzureRecognitionSession : IRecognitionSession
{
    private const int InputRate = 8000;
    private readonly AzureSpeechRecognizer _owner;
    private readonly SpeechGrammar _grammar;
    private readonly RecognitionOptions _options;
    private readonly EnergyVoiceActivityDetector _vad;
    private readonly Queue<short> _preRoll = new();
    private readonly int _preRollSamples;
    private readonly List<short> _utterance = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<RecognitionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _samples;
    private long _speechStartSample;
    private bool _submitted;

    public AzureRecognitionSession(AzureSpeechRecognizer owner, SpeechGrammar grammar, RecognitionOptions options)
    {
        _owner = owner;
        _grammar = grammar;
        _options = options;
        _vad = new EnergyVoiceActivityDetector(options.Vad, options.EndSilence);
        _preRollSamples = (int)(options.PreRoll.TotalSeconds * InputRate);
    }

    public bool InSpeech { get; private set; }

    public TimeSpan Elapsed => Time(_samples);

    public TimeSpan? SpeechStartedAt { get; private set; }

    public RecognitionResult? Result { get; private set; }

    public Task<RecognitionResult> Completion => _completion.Task;

    public RecognitionSignal Feed(ReadOnlySpan<short> frame)
    {
        if (_submitted || Result is not null || frame.IsEmpty) return RecognitionSignal.None;
        _samples += frame.Length;
        var vad = _vad.Process(frame, Time(frame.Length));
        if (!InSpeech)
        {
            foreach (var s in frame)
            {
                _preRoll.Enqueue(s);
                if (_preRoll.Count > _preRollSamples) _preRoll.Dequeue();
            }

            if (vad > 0)
            {
                InSpeech = true;
                _speechStartSample = Math.Max(0, _samples - (_options.Vad.OnsetFrames * frame.Length));
                SpeechStartedAt = Time(_speechStartSample);
                _utterance.AddRange(_preRoll);
                return RecognitionSignal.SpeechStarted;
            }

            if (Elapsed >= _options.NoInputTimeout)
            {
                Complete(RecognitionResult.NoInput);
                return RecognitionSignal.Completed;
            }

            return RecognitionSignal.None;
        }

        foreach (var s in frame) _utterance.Add(s);
        if (vad < 0 || Time(_samples - _speechStartSample) >= _options.MaxSpeech) Submit();
        return RecognitionSignal.None;
    }

    public RecognitionResult Finish()
    {
        if (Result is not null) return Result;
        if (!InSpeech && !_submitted)
        {
            Complete(RecognitionResult.NoInput);
            return Result!;
        }

        Submit();
        // Bounded by the client's timeout and retries (and the offline fallback after them).
        return _completion.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _completion.TrySetCanceled();
    }

    private void Submit()
    {
        if (_submitted) return;
        _submitted = true;
        InSpeech = false;
        var utterance = _utterance.ToArray();
        var duration = Time(_samples - _speechStartSample);
        _ = Task.Run(() => RecognizeAsync(utterance, duration));
    }

    private async Task RecognizeAsync(short[] utterance, TimeSpan duration)
    {
        RecognitionResult result;
        try
        {
            _owner.Counted();
            var wide = RationalResampler.ResampleAll(utterance, InputRate, 16000);
            var heard = await _owner.Client.RecognizeAsync(wide, _grammar.Locale, _cancel.Token).ConfigureAwait(false);
            var phrase = heard.Status == "Success" ? AzureSpeechRecognizer.MatchPhrase(_grammar, heard.Lexical) : null;
            result = phrase is not null && heard.Confidence >= _options.MinConfidence
                ? new RecognitionResult(RecognitionKind.Match, _grammar.Spelling[phrase], heard.Confidence, heard.Lexical, duration)
                : new RecognitionResult(RecognitionKind.NoMatch, null, heard.Confidence, heard.Lexical ?? heard.Status, duration);
        }
        catch (AzureSpeechException ex)
        {
            result = _owner.FallBack(ex, _grammar, _options, utterance, duration);
        }
        catch (OperationCanceledException)
        {
            _completion.TrySetCanceled();
            return;
        }

        Complete(result);
    }

    private void Complete(RecognitionResult result)
    {
        Result = result;
        _completion.TrySetResult(result);
    }

    private static TimeSpan Time(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / InputRate);
}
