using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ivr.Engine.Integrations.ScreenPop;

/// <summary>Writes an <see cref="AgentContext"/> inside another document (the call's API) as the screen-pop does: <see cref="AgentContextJson.Options"/>, nulls left out.</summary>
public sealed class AgentContextJsonConverter : JsonConverter<AgentContext>
{
    /// <inheritdoc/>
    public override AgentContext? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<AgentContext>(ref reader, AgentContextJson.Options);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, AgentContext value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, AgentContextJson.Options);
}
