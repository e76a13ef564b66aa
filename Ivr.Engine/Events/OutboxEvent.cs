namespace Ivr.Engine.Events;

/// <summary>One event to send to one webhook, as written to the outbox: the CloudEvent's id and its encoded body, fixed at write.</summary>
/// <param name="EventId">The CloudEvent's <c>id</c>: the same on every attempt and for every webhook.</param>
/// <param name="Webhook">The name of the webhook (<c>Events:Webhooks:NAME</c>) it goes to.</param>
/// <param name="Type">The CloudEvent's <c>type</c>.</param>
/// <param name="Subject">The CloudEvent's <c>subject</c>: the call id.</param>
/// <param name="Body">The structured-mode JSON body, exactly as it is POSTed and signed.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record OutboxEvent(string EventId, string Webhook, string Type, string Subject, string Body, DateTimeOffset CreatedAt);
