namespace Ivr.Engine.Integrations.Http;

/// <summary>A configured service, validated: its base URL and headers with the secret in place, and how to mask it in logs.</summary>
public sealed class HttpService
{
    private const string SecretPlaceholder = "{secret}";
    private const string Mask = "***";

    private HttpService(string name, Uri baseUrl, IReadOnlyList<KeyValuePair<string, string>> headers, string? secret, HttpServiceOptions options)
    {
        Name = name;
        BaseUrl = baseUrl;
        Headers = headers;
        Secret = secret;
        Options = options;
    }

    /// <summary>The service's name in settings and flows.</summary>
    public string Name { get; }

    /// <summary>The absolute base URL (secret in place), without a trailing slash.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Headers to send (secret in place).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The retry and breaker settings.</summary>
    public HttpServiceOptions Options { get; }

    private string? Secret { get; }

    /// <summary>The breaker's key: scheme, host and port, so services on one host share one breaker.</summary>
    public string HostKey => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>Validates <paramref name="options"/>; throws <see cref="ArgumentException"/> naming the setting.</summary>
    public static HttpService Create(string name, HttpServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = string.IsNullOrEmpty(options.Secret) ? null : options.Secret;
        var raw = Fill(options.BaseUrl, secret);
        if (!Uri.TryCreate(raw.TrimEnd('/'), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException(
                $"{HttpServiceCatalog.Section}:{name}:BaseUrl must be an absolute http or https URL (got '{Masked(options.BaseUrl, secret)}')");
        }
        if (options.Retries is < 0 or > 5) throw new ArgumentException($"{HttpServiceCatalog.Section}:{name}:Retries must be 0 to 5");
        if (options.BreakerFailureRatio is <= 0 or > 1) throw new ArgumentException($"{HttpServiceCatalog.Section}:{name}:BreakerFailureRatio must be above 0 and at most 1");
        if (options.BreakerMinimumThroughput < 2) throw new ArgumentException($"{HttpServiceCatalog.Section}:{name}:BreakerMinimumThroughput must be at least 2");
        var headers = options.Headers.Select(h => KeyValuePair.Create(h.Key, Fill(h.Value, secret))).ToArray();
        return new HttpService(name, baseUrl, headers, secret, options);
    }

    /// <summary>The URL of a step's <paramref name="path"/> (already URL-encoded by the flow runtime): the base URL's path then it.</summary>
    public Uri Resolve(string path) => new(BaseUrl.AbsoluteUri.TrimEnd('/') + path, UriKind.Absolute);

    /// <summary><paramref name="text"/> with the secret replaced by <c>***</c>, for logs and the call's timeline.</summary>
    public string Masked(string text) => Masked(text, Secret);

    private static string Masked(string text, string? secret) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, Mask, StringComparison.Ordinal).Replace(Uri.EscapeDataString(secret), Mask, StringComparison.Ordinal);

    private static string Fill(string text, string? secret) =>
        secret is null ? text : text.Replace(SecretPlaceholder, secret, StringComparison.Ordinal);
}
