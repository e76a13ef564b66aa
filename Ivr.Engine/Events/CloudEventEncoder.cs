using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Ivr.Engine.Events;

/// <summary>Encodes a <see cref="CallEvent"/> as a CloudEvents 1.0 structured-mode JSON body (<c>application/cloudevents+json</c>).</summary>
public sealed class CloudEventEncoder
{
    /// <summary>The content type of the bodies.</summary>
    public const string ContentType = "application/cloudevents+json; charset=utf-8";

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    private readonly JsonEventFormatter _formatter = new();
    private readonly Uri _source;

    /// <summary>Encodes with <paramref name="source"/> as every event's <c>source</c>.</summary>
    public CloudEventEncoder(string source)
    {
        if (!Uri.TryCreate(source, UriKind.RelativeOrAbsolute, out var uri) || source.Length == 0)
            throw new FormatException($"Events:Source '{source}' is not a URI reference (e.g. /ivr or urn:ivr:centre-1).");
        _source = uri;
    }

    /// <summary>The JSON body of <paramref name="e"/>: id, source, type, subject (the call id), time, and the data.</summary>
    public string Encode(CallEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = e.Id,
            Source = _source,
            Type = e.Type,
            Subject = e.Data.CallId,
            Time = e.Data.At,
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(e.Data, DataJson),
        };
        var body = _formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return Encoding.UTF8.GetString(body.Span);
    }
}
