using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Speech.Azure;

/// <summary>
/// Synthesis by Azure Speech (neural voices, SSML over REST), rendered once per (text, voice, locale) into an 8 kHz
/// PCM16 WAV in the cache folder, like espeak-ng's. When Azure fails (after its retries) the prompt is rendered by the
/// fallback synthesizer — logged and counted in <see cref="Fallbacks"/>.
/// </summary>
public sealed class AzureSpeechSynthesizer : ISpeechSynthesizer
{
    private readonly AzureSpeechClient _client;
    private readonly string _cache;
    private readonly string _defaultVoice;
    private readonly ISpeechSynthesizer? _fallback;
    private readonly ILogger _log;
    private int _renders;
    private long _fallbacks;

    /// <summary>Creates the synthesizer; <paramref name="fallback"/> (may be null) renders when Azure fails.</summary>
    public AzureSpeechSynthesizer(AzureSpeechClient client, string cacheDirectory, string defaultVoice, ISpeechSynthesizer? fallback, ILogger log)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _cache = cacheDirectory ?? throw new ArgumentNullException(nameof(cacheDirectory));
        _defaultVoice = defaultVoice ?? throw new ArgumentNullException(nameof(defaultVoice));
        _fallback = fallback is { IsAvailable: true } ? fallback : null;
        _log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <inheritdoc />
    public bool IsAvailable => true;

    /// <inheritdoc />
    public string? UnavailableReason => null;

    /// <summary>Prompts Azure rendered into the cache.</summary>
    public int RenderCount => Volatile.Read(ref _renders);

    /// <summary>Prompts rendered by the fallback because Azure failed.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>The neural voice for <paramref name="locale"/>: the configured one when its locale matches, else a default per language.</summary>
    public string VoiceFor(string locale)
    {
        ArgumentNullException.ThrowIfNull(locale);
        if (_defaultVoice.StartsWith(locale + "-", StringComparison.OrdinalIgnoreCase)) return _defaultVoice;
        return locale.ToLowerInvariant() switch
        {
            "en-us" => "en-US-JennyNeural",
            "en-gb" => "en-GB-SoniaNeural",
            "fr-fr" => "fr-FR-DeniseNeural",
            "de-de" => "de-DE-KatjaNeural",
            "es-es" => "es-ES-ElviraNeural",
            _ => _defaultVoice,
        };
    }

    /// <inheritdoc />
    public async Task<string> RenderAsync(string text, string locale, string? voice = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(locale);
        voice ??= VoiceFor(locale);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001F', "azure", text, voice, locale.ToLowerInvariant(), "riff-8khz-16bit-mono-pcm"))));
        var path = Path.Combine(_cache, key + ".wav");
        if (File.Exists(path)) return path;

        byte[] wav;
        try
        {
            wav = await _client.SynthesizeAsync(text, locale, voice, cancellationToken).ConfigureAwait(false);
            var audio = WavAudio.Read(wav);
            if (audio.SampleRate != 8000) wav = audio.Resample(8000).ToBytes();
        }
        catch (Exception ex) when (ex is AzureSpeechException or InvalidDataException or ArgumentException)
        {
            Interlocked.Increment(ref _fallbacks);
            if (_fallback is null)
            {
                _log.LogWarning("Azure Speech synthesis failed ({Reason}); no offline synthesizer to fall back to", ex.Message);
                throw;
            }

            _log.LogWarning("Azure Speech synthesis failed ({Reason}); espeak-ng renders this prompt", ex.Message);
            return await _fallback.RenderAsync(text, locale, null, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(_cache);
        var staged = Path.Combine(_cache, "." + Guid.NewGuid().ToString("N") + ".wav");
        await File.WriteAllBytesAsync(staged, wav, cancellationToken).ConfigureAwait(false);
        File.Move(staged, path, overwrite: true);
        Interlocked.Increment(ref _renders);
        return path;
    }
}
