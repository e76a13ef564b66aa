using System.Diagnostics.Metrics;
using Ivr.Engine.Metrics;

namespace Ivr.Engine.Speech;

/// <summary>
/// Speech figures (meter <c>Ivr.Speech</c>): recognitions by result, barge-ins, and histograms of the recognizer's
/// confidence, the utterance's length and the delay from the end of the utterance to its result (the end-of-speech
/// silence plus the recognizer's final work). Fed by call actors as results arrive.
/// </summary>
public sealed class SpeechMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ivr.Speech";

    private static readonly InstrumentAdvice<double> ConfidenceBuckets = new() { HistogramBucketBoundaries = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] };
    private static readonly InstrumentAdvice<double> SecondsBuckets = new() { HistogramBucketBoundaries = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10] };

    private readonly Meter _meter;
    private readonly Histogram<double> _confidence;
    private readonly Histogram<double> _utterance;
    private readonly Histogram<double> _resultDelay;

    /// <summary>Creates the instruments on a meter from <paramref name="factory"/>, or on a private meter when null.</summary>
    public SpeechMetrics(IMeterFactory? factory = null)
    {
        _meter = EngineMeter.Create(factory, MeterName);
        _meter.CreateObservableCounter("ivr.speech.recognitions", Recognitions.Observe, description: "Listening turns ended by the recognizer, by result (match, no_match, no_input)");
        _meter.CreateObservableCounter("ivr.speech.barge_ins", () => Interlocked.Read(ref _bargeIns), description: "Prompts stopped because the caller started speaking");
        _confidence = _meter.CreateHistogram("ivr.speech.confidence", description: "Recognizer confidence of each utterance (0–1)", advice: ConfidenceBuckets);
        _utterance = _meter.CreateHistogram("ivr.speech.utterance.duration", unit: "s", description: "Length of the caller's utterance", advice: SecondsBuckets);
        _resultDelay = _meter.CreateHistogram("ivr.speech.result.delay", unit: "s", description: "From the end of the utterance to its result (end-of-speech silence + final decoding)", advice: SecondsBuckets);
    }

    private long _bargeIns;

    /// <summary>Recognitions by result.</summary>
    public TaggedCounts Recognitions { get; } = new("result");

    /// <summary>Barge-ins so far.</summary>
    public long BargeIns => Interlocked.Read(ref _bargeIns);

    /// <summary>Counts a barge-in.</summary>
    public void BargedIn() => Interlocked.Increment(ref _bargeIns);

    /// <summary>Counts one result: its kind, confidence, the utterance's length and the delay after it (no-input: counted only).</summary>
    public void Recognized(RecognitionKind kind, double confidence, TimeSpan utterance, TimeSpan? resultDelay)
    {
        Recognitions.Add(kind switch { RecognitionKind.Match => "match", RecognitionKind.NoInput => "no_input", _ => "no_match" });
        if (kind == RecognitionKind.NoInput) return;
        _confidence.Record(Math.Clamp(confidence, 0, 1));
        _utterance.Record(utterance.TotalSeconds);
        if (resultDelay is { } delay && delay >= TimeSpan.Zero) _resultDelay.Record(delay.TotalSeconds);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
