using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Speech.Azure;

/// <summary>
/// Recognition by Azure Speech (short-audio REST). The caller's frames go through the same energy VAD as offline
/// (start-of-speech for barge-in at once, end-of-speech after the end silence); the utterance is then upsampled to
/// 16 kHz and posted, and the service's best alternative is matched against the grammar's phrases. When Azure fails
/// (after its retries), the utterance is decoded by the offline recognizer instead — logged and counted in
/// <see cref="Fallbacks"/>.
/// </summary>
public sealed class AzureSpeechRecognizer : ISpeechRecognizer
{
    private readonly ILogger _log;
    private long _fallbacks;
    private long _requests;

    /// <summary>Creates the recognizer; <paramref name="fallback"/> (may be null) decodes when Azure fails.</summary>
    public AzureSpeechRecognizer(AzureSpeechClient client, ISpeechRecognizer? fallback, ILogger log)
    {
        Client = client ?? throw new ArgumentNullException(nameof(client));
        Fallback = fallback is { IsAvailable: true } ? fallback : null;
        _log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <summary>The REST client.</summary>
    public AzureSpeechClient Client { get; }

    /// <summary>The offline recognizer used when Azure fails, or null.</summary>
    public ISpeechRecognizer? Fallback { get; }

    /// <summary>Utterances decoded by the fallback because Azure failed.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Utterances sent to Azure.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public string? UnavailableReason => null;

    /// <inheritdoc />
    public bool SupportsLocale(string locale) => !string.IsNullOrWhiteSpace(locale);

    /// <inheritdoc />
    public GrammarCheck CheckGrammar(SpeechGrammar grammar)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new GrammarCheck(grammar.Phrases, []);
    }

    /// <inheritdoc />
    public IRecognitionSession StartSession(SpeechGrammar grammar, RecognitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        return new AzureRecognitionSession(this, grammar, options ?? RecognitionOptions.Default);
    }

    /// <summary>The grammar phrase <paramref name="lexical"/> says: the whole of it, else the longest phrase in it as whole words.</summary>
    public static string? MatchPhrase(SpeechGrammar grammar, string? lexical)
    {
        ArgumentNullException.ThrowIfNull(grammar);
        if (string.IsNullOrWhiteSpace(lexical)) return null;
        var said = SpeechGrammar.Normalize(lexical);
        if (grammar.Spelling.ContainsKey(said)) return said;
        var padded = " " + said + " ";
        return grammar.Phrases.Where(p => padded.Contains(" " + p + " ", StringComparison.Ordinal)).MaxBy(p => p.Length);
    }

    internal void Counted() => Interlocked.Increment(ref _requests);

    internal RecognitionResult FallBack(AzureSpeechException failure, SpeechGrammar grammar, RecognitionOptions options, short[] utterance, TimeSpan duration)
    {
        Interlocked.Increment(ref _fallbacks);
        if (Fallback is null)
        {
            _log.LogWarning("Azure Speech recognition failed ({Reason}); no offline recognizer to fall back to: no-match", failure.Message);
            return new RecognitionResult(RecognitionKind.NoMatch, null, 0, null, duration);
        }

        _log.LogWarning("Azure Speech recognition failed ({Reason}); the offline recognizer decodes this utterance", failure.Message);
        using var session = Fallback.StartSession(grammar, options with { NoInputTimeout = TimeSpan.FromHours(1) });
        const int Frame = 160;
        var silence = new short[Frame];
        for (var i = 0; i + Frame <= utterance.Length; i += Frame)
        {
            if (session.Feed(utterance.AsSpan(i, Frame)) == RecognitionSignal.Completed) return session.Result!;
        }

        // The utterance was cut at end of speech: play the end silence so the offline VAD closes it the same way.
        for (var t = TimeSpan.Zero; t <= options.EndSilence; t += TimeSpan.FromMilliseconds(20))
        {
            if (session.Feed(silence) == RecognitionSignal.Completed) return session.Result!;
        }

        return session.Finish();
    }
}
