using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Ivr.Engine.Integrations.Http;

/// <summary>
/// A configured service, validated: its base URL (path and optional query) and headers with the secret in place, and the
/// same base with <c>***</c> in place of the secret for logs and the timeline.
/// </summary>
public sealed class HttpService
{
    private const string SecretPlaceholder = "{secret}";
    private const string Mask = "***";

    private readonly string _origin;
    private readonly string _shownOrigin;
    private readonly string _basePath;
    private readonly string _shownBasePath;
    private readonly string _baseQuery;
    private readonly string _shownBaseQuery;

    private HttpService(string name, Uri baseUrl, Uri shownBase, IReadOnlyList<KeyValuePair<string, string>> headers, string? secret, HttpServiceOptions options)
    {
        Name = name;
        BaseUrl = baseUrl;
        Headers = headers;
        Secret = secret;
        Options = options;
        _origin = baseUrl.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        _shownOrigin = shownBase.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        _basePath = baseUrl.AbsolutePath.TrimEnd('/');
        _shownBasePath = shownBase.AbsolutePath.TrimEnd('/');
        _baseQuery = baseUrl.Query.TrimStart('?');
        _shownBaseQuery = MaskValues(shownBase.Query.TrimStart('?'));
        HostKey = string.Create(CultureInfo.InvariantCulture, $"{baseUrl.Scheme}://{baseUrl.IdnHost}:{baseUrl.Port}");
    }

    /// <summary>The service's name in settings and flows.</summary>
    public string Name { get; }

    /// <summary>The absolute base URL (secret in place): a path, and maybe a query whose parameters every request keeps.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Headers to send (secret in place).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The <c>Content-Type</c> of the headers, given to a POST's body in place of <c>application/json</c>; null when none.</summary>
    public MediaTypeHeaderValue? ContentType { get; private init; }

    /// <summary>The retry, timeout and breaker settings.</summary>
    public HttpServiceOptions Options { get; }

    /// <summary>The breaker's key: scheme, host and port (never user info, path or query), so services on one host share one breaker.</summary>
    public string HostKey { get; }

    private string? Secret { get; }

    /// <summary>Validates <paramref name="options"/>; throws <see cref="ArgumentException"/> naming the setting (the secret masked).</summary>
    public static HttpService Create(string name, HttpServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var secret = string.IsNullOrEmpty(options.Secret) ? null : options.Secret;
        var setting = $"{HttpServiceCatalog.Section}:{name}";
        var shownText = options.BaseUrl.Replace(SecretPlaceholder, Mask, StringComparison.Ordinal);
        // The secret is URL-encoded where the base URL holds it (a key with '&' or '/' stays one query value or segment).
        if (!Uri.TryCreate(Fill(options.BaseUrl, secret is null ? null : Uri.EscapeDataString(secret)), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https")
            || !Uri.TryCreate(shownText, UriKind.Absolute, out var shownBase))
        {
            throw new ArgumentException($"{setting}:BaseUrl must be an absolute http or https URL (got '{Masked(shownText, secret)}')");
        }
        if (baseUrl.UserInfo.Length > 0 || shownBase.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"{setting}:BaseUrl must not hold user info (user:password@); put the secret in a header or the query with {{secret}} (got '{Masked(MaskUserInfo(shownBase), secret)}')");
        }
        if (baseUrl.Fragment.Length > 0) throw new ArgumentException($"{setting}:BaseUrl must not hold a fragment (#…)");
        if (options.Retries is < 0 or > 5) throw new ArgumentException($"{setting}:Retries must be 0 to 5");
        if (options.BreakerFailureRatio is <= 0 or > 1) throw new ArgumentException($"{setting}:BreakerFailureRatio must be above 0 and at most 1");
        if (options.BreakerMinimumThroughput < 2) throw new ArgumentException($"{setting}:BreakerMinimumThroughput must be at least 2");
        if (options.AttemptTimeout is < 0.01 or > 600) throw new ArgumentException($"{setting}:AttemptTimeout must be 0.01 to 600 seconds");
        if (options.MaxResponseBytes is < 1 or > 16 << 20) throw new ArgumentException($"{setting}:MaxResponseBytes must be 1 to 16777216");
        var headers = options.Headers.Select(h => KeyValuePair.Create(h.Key, Fill(h.Value, secret))).ToArray();
        MediaTypeHeaderValue? contentType = null;
        if (headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)) is { Key: not null } type
            && !MediaTypeHeaderValue.TryParse(type.Value, out contentType))
        {
            throw new ArgumentException($"{setting}:Headers:Content-Type is not a media type (got '{Masked(type.Value, secret)}')");
        }
        return new HttpService(name, baseUrl, shownBase, headers, secret, options) { ContentType = contentType };
    }

    /// <summary>
    /// The URL of a step's <paramref name="path"/> (values already URL-encoded by the flow runtime): the base path, then the
    /// step's path; the base's query parameters, then the step's. Null when the result is not exactly that concatenation
    /// under the base path (a dot segment the URI parser would remove, a backslash, a fragment): such a request is not sent.
    /// </summary>
    public Uri? Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (stepPath, stepQuery) = Split(path);
        if (stepPath.Length == 0 || stepPath[0] != '/' || path.Contains('#', StringComparison.Ordinal)) return null;
        // A dot segment written escaped (%2E%2E) is one for many servers (RFC 3986 §2.3: %2E is ".").
        foreach (var segment in stepPath.Split('/'))
        {
            if (segment.Contains('%', StringComparison.Ordinal) && Uri.UnescapeDataString(segment) is "." or "..") return null;
        }
        var expectedPath = _basePath + stepPath;
        var text = _origin + expectedPath + Query(_baseQuery, stepQuery);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url)) return null;
        // RFC 3986 §5.2.4: the parser removes "." and ".." segments; anything but the plain concatenation is refused.
        if (!string.Equals(url.AbsolutePath, expectedPath, StringComparison.Ordinal)
            || !url.AbsolutePath.StartsWith(_basePath + "/", StringComparison.Ordinal)
            || !string.Equals(url.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped), _origin, StringComparison.Ordinal))
        {
            return null;
        }
        return url;
    }

    /// <summary>
    /// The URL of <paramref name="path"/> for logs and the timeline: built from the base with <c>***</c> put in for the secret
    /// before parsing, the step's path as it is, and every query value shown as <c>***</c> (names kept).
    /// </summary>
    public string Shown(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (stepPath, stepQuery) = Split(path);
        return Masked(_shownOrigin + _shownBasePath + stepPath + Query(_shownBaseQuery, MaskValues(stepQuery)));
    }

    /// <summary><paramref name="text"/> with the secret (raw or URL-encoded) replaced by <c>***</c>, for exception messages.</summary>
    public string Masked(string text) => Masked(text, Secret);

    private static (string Path, string Query) Split(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (path, string.Empty) : (path[..q], path[(q + 1)..]);
    }

    private static string Query(string first, string second) =>
        (first.Length, second.Length) switch
        {
            (0, 0) => string.Empty,
            (_, 0) => "?" + first,
            (0, _) => "?" + second,
            _ => "?" + first + "&" + second,
        };

    /// <summary><c>a=1&amp;b=2</c> → <c>a=***&amp;b=***</c>: parameter names are kept, values hidden.</summary>
    private static string MaskValues(string query)
    {
        if (query.Length == 0) return query;
        var shown = new StringBuilder(query.Length);
        foreach (var pair in query.Split('&'))
        {
            if (shown.Length > 0) shown.Append('&');
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            shown.Append(eq < 0 ? pair : pair[..(eq + 1)] + Mask);
        }
        return shown.ToString();
    }

    private static string MaskUserInfo(Uri url) => url.GetComponents(UriComponents.Scheme, UriFormat.UriEscaped) + "://" + Mask + "@"
        + url.GetComponents(UriComponents.HostAndPort | UriComponents.PathAndQuery, UriFormat.UriEscaped);

    private static string Masked(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret)) return text;
        return text.Replace(secret, Mask, StringComparison.Ordinal)
            .Replace(Uri.EscapeDataString(secret), Mask, StringComparison.OrdinalIgnoreCase)
            .Replace(Uri.EscapeDataString(secret).Replace("%20", "+", StringComparison.Ordinal), Mask, StringComparison.OrdinalIgnoreCase);
    }

    private static string Fill(string text, string? secret) =>
        secret is null ? text : text.Replace(SecretPlaceholder, secret, StringComparison.Ordinal);
}
