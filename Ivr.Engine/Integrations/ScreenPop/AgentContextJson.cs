using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>The JSON form of an <see cref="AgentContext"/> (camelCase, nulls left out), shared by the screen-pop and the call's API.</summary>
public static class AgentContextJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The screen-pop body: <c>{"event":"agent.ringing","agent":…,"sentAt":…,"context":{…}}</c> as UTF-8.</summary>
    public static byte[] ScreenPopBody(AgentContext context, DateTimeOffset sentAt) =>
        JsonSerializer.SerializeToUtf8Bytes(new Body("agent.ringing", context.Agent, sentAt, context), Options);

    private sealed record Body(string Event, string? Agent, DateTimeOffset SentAt, AgentContext Context);
}
