namespace Ivr.Engine.Events;

/// <summary>A configured webhook, checked: its name, URL, secret and the types it takes.</summary>
/// <param name="Name">Its name in <c>Events:Webhooks</c>.</param>
/// <param name="Url">The absolute http(s) URL.</param>
/// <param name="Secret">The signing key, or null (unsigned).</param>
/// <param name="Types">Full types or prefixes ending in <c>*</c>; empty: all.</param>
public sealed record WebhookTarget(string Name, Uri Url, string? Secret, IReadOnlyList<string> Types)
{
    /// <summary>The URL as logged: scheme, host, port and path only (no user info, no query that may carry a key).</summary>
    public string SafeUrl => Url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    /// <summary>The webhook without its secret (records print every property).</summary>
    public override string ToString() => $"{Name} → {SafeUrl} ({(Types.Count == 0 ? "all types" : string.Join(", ", Types))}{(Secret is null ? ", unsigned" : ", signed")})";

    /// <summary>True when events of <paramref name="type"/> go to this webhook.</summary>
    public bool Takes(string type) =>
        Types.Count == 0 || Types.Any(t => t.EndsWith('*') ? type.StartsWith(t[..^1], StringComparison.Ordinal) : string.Equals(t, type, StringComparison.Ordinal));

    /// <summary>
    /// The usable webhooks of <paramref name="options"/>, and one clear error per webhook left out (no URL, not absolute
    /// http(s), an unknown type).
    /// </summary>
    public static (IReadOnlyList<WebhookTarget> Targets, IReadOnlyList<string> Errors) From(EventsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var targets = new List<WebhookTarget>();
        var errors = new List<string>();
        foreach (var (name, hook) in options.Webhooks.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"Events:Webhooks:{name}:Url '{hook.Url}' is not an absolute http(s) URL; this webhook is left out");
                continue;
            }
            var types = new List<string>();
            string? unknown = null;
            foreach (var raw in (hook.Types ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var type = raw.StartsWith(CallEventTypes.Prefix, StringComparison.Ordinal) ? raw : CallEventTypes.Prefix + raw;
                var known = type.EndsWith('*') ? CallEventTypes.All.Any(t => t.StartsWith(type[..^1], StringComparison.Ordinal)) : CallEventTypes.All.Contains(type);
                if (!known) unknown ??= raw;
                types.Add(type);
            }
            if (unknown is not null)
            {
                errors.Add($"Events:Webhooks:{name}:Types names '{unknown}', which is no event type (known: {string.Join(", ", CallEventTypes.All.Select(t => t[CallEventTypes.Prefix.Length..]))}); this webhook is left out");
                continue;
            }
            targets.Add(new WebhookTarget(name, url, string.IsNullOrEmpty(hook.Secret) ? null : hook.Secret, types));
        }
        return (targets, errors);
    }
}
