namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>
/// The headers that sign a webhook body (wired by Hosting to <c>Events.WebhookSignature</c>, the one implementation: the
/// screen-pop is signed exactly as the events webhooks are).
/// </summary>
/// <param name="secret">The receiver's secret.</param>
/// <param name="body">The raw body bytes sent.</param>
public delegate IReadOnlyList<KeyValuePair<string, string>> WebhookSigner(string secret, ReadOnlySpan<byte> body);
