using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Ivr.Engine.Speech.Azure;

/// <summary>
/// Azure Speech over its documented REST APIs: speech to text for short audio
/// (<c>POST https://{region}.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1</c>, 16 kHz PCM
/// WAV, <c>format=detailed</c>) and text to speech (<c>POST https://{region}.tts.speech.microsoft.com/cognitiveservices/v1</c>,
/// SSML in, 8 kHz PCM WAV out), authenticated with the <c>Ocp-Apim-Subscription-Key</c> header. Each request has its own
/// timeout; timeouts, 429 and 5xx are retried; other failures are not (a wrong key stays wrong).
/// </summary>
public sealed class AzureSpeechClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AzureSpeechClientOptions _options;
    private long _retries;

    /// <summary>Creates a client for <paramref name="options"/> (its own <see cref="HttpClient"/>).</summary>
    public AzureSpeechClient(AzureSpeechClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Key)) throw new ArgumentException("Azure Speech needs a key (Speech:Azure:Key).", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Region) && string.IsNullOrWhiteSpace(options.BaseUrl))
            throw new ArgumentException("Azure Speech needs a region (Speech:Azure:Region).", nameof(options));
        _options = options;
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Requests retried so far (after a timeout, 429 or 5xx).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Where recognition requests go.</summary>
    public Uri RecognitionUri(string locale) => new(
        (_options.BaseUrl?.TrimEnd('/') ?? $"https://{_options.Region}.stt.speech.microsoft.com")
        + "/speech/recognition/conversation/cognitiveservices/v1?language=" + Uri.EscapeDataString(locale) + "&format=detailed");

    /// <summary>Where synthesis requests go.</summary>
    public Uri SynthesisUri => new(
        (_options.BaseUrl?.TrimEnd('/') ?? $"https://{_options.Region}.tts.speech.microsoft.com") + "/cognitiveservices/v1");

    /// <summary>Recognises one utterance of 16 kHz mono PCM16.</summary>
    /// <exception cref="AzureSpeechException">The service failed (after retries) or answered something unreadable.</exception>
    public async Task<AzureRecognition> RecognizeAsync(short[] samples16k, string locale, CancellationToken cancellationToken = default)
    {
        var wav = new WavAudio(samples16k, 16000).ToBytes();
        var body = await SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, RecognitionUri(locale)) { Content = new ByteArrayContent(wav) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "audio/wav; codecs=audio/pcm; samplerate=16000");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return request;
            },
            cancellationToken).ConfigureAwait(false);
        return AzureRecognition.Parse(Encoding.UTF8.GetString(body));
    }

    /// <summary>Synthesises <paramref name="text"/> with <paramref name="voice"/>; returns an 8 kHz mono PCM16 WAV file's bytes.</summary>
    /// <exception cref="AzureSpeechException">The service failed (after retries) or answered with no audio.</exception>
    public async Task<byte[]> SynthesizeAsync(string text, string locale, string voice, CancellationToken cancellationToken = default)
    {
        var ssml = Ssml(text, locale, voice);
        var body = await SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, SynthesisUri) { Content = new StringContent(ssml, Encoding.UTF8) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/ssml+xml");
                request.Headers.TryAddWithoutValidation("X-Microsoft-OutputFormat", "riff-8khz-16bit-mono-pcm");
                request.Headers.TryAddWithoutValidation("User-Agent", "ivr");
                return request;
            },
            cancellationToken).ConfigureAwait(false);
        return body.Length > 44 ? body : throw new AzureSpeechException("Azure Speech synthesis answered without audio.", null);
    }

    /// <summary>The SSML document for one prompt (text escaped as XML).</summary>
    public static string Ssml(string text, string locale, string voice)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = System.Security.SecurityElement.Escape(text);
        return $"<speak version='1.0' xml:lang='{System.Security.SecurityElement.Escape(locale)}'><voice name='{System.Security.SecurityElement.Escape(voice)}'>{escaped}</voice></speak>";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<byte[]> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            string failure;
            try
            {
                using var request = build();
                request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", _options.Key);
                using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                }

                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    throw new AzureSpeechException($"Azure Speech refused the request: {failure}.", (int)response.StatusCode);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }

            if (attempt >= _options.Retries)
            {
                throw new AzureSpeechException($"Azure Speech failed after {attempt + 1} attempt(s): {failure}.", null);
            }

            Interlocked.Increment(ref _retries);
        }
    }
}

/// <summary>Where and how <see cref="AzureSpeechClient"/> talks to Azure Speech.</summary>
public sealed record AzureSpeechClientOptions
{
    /// <summary>The Speech resource's region, e.g. <c>westeurope</c>.</summary>
    public string? Region { get; init; }

    /// <summary>The resource key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Overrides both hosts (tests point it at a local listener).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Longest one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries after a timeout, 429 or 5xx.</summary>
    public int Retries { get; init; } = 1;
}

/// <summary>Azure Speech failed: the HTTP status when it answered one, null for timeouts and network errors.</summary>
public sealed class AzureSpeechException(string message, int? status) : Exception(message)
{
    /// <summary>The HTTP status code of a refused request, or null.</summary>
    public int? Status { get; } = status;
}

/// <summary>A short-audio recognition response (simple or detailed format) as documented.</summary>
/// <param name="Status"><c>Success</c>, <c>NoMatch</c>, <c>InitialSilenceTimeout</c>, <c>BabbleTimeout</c> or <c>Error</c>.</param>
/// <param name="Lexical">The best alternative's lexical form (or the display text of a simple response), or null.</param>
/// <param name="Confidence">The best alternative's confidence; 1 when the response has none (simple format).</param>
public sealed record AzureRecognition(string Status, string? Lexical, double Confidence)
{
    /// <summary>Reads a response body.</summary>
    /// <exception cref="AzureSpeechException">The body is not the documented JSON.</exception>
    public static AzureRecognition Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var status = root.GetProperty("RecognitionStatus").GetString() ?? "Error";
            if (root.TryGetProperty("NBest", out var nbest) && nbest.ValueKind == JsonValueKind.Array && nbest.GetArrayLength() > 0)
            {
                // The list is not sorted by confidence (the documented sample has 0.905 before 0.925): take the highest.
                var best = nbest.EnumerateArray().MaxBy(ConfidenceOf);
                var lexical = best.TryGetProperty("Lexical", out var l) ? l.GetString() : null;
                return new AzureRecognition(status, lexical, ConfidenceOf(best));
            }

            var display = root.TryGetProperty("DisplayText", out var d) ? d.GetString() : null;
            return new AzureRecognition(status, display, 1);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new AzureSpeechException("Azure Speech answered a body that is not a recognition result: " + ex.Message, null);
        }
    }

    private static double ConfidenceOf(JsonElement alternative) =>
        alternative.TryGetProperty("Confidence", out var c)
            ? c.ValueKind == JsonValueKind.Number ? c.GetDouble() : double.Parse(c.GetString() ?? "0", CultureInfo.InvariantCulture)
            : 0;
}
