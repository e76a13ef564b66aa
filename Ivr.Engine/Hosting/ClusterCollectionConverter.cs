using System.Collections;
using Newtonsoft.Json;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Writes the collections C# collection expressions create for <c>IReadOnlyList&lt;T&gt;</c> members (compiler-generated
/// types such as <c>&lt;&gt;z__ReadOnlyArray&lt;T&gt;</c>, which have no constructor a deserializer can call) as plain JSON
/// arrays, so they are read back as the member's declared list type on the other node.
/// </summary>
public sealed class ClusterCollectionConverter : JsonConverter
{
    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanConvert(Type objectType)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        return objectType.Name.StartsWith("<>z__", StringComparison.Ordinal) && typeof(IEnumerable).IsAssignableFrom(objectType);
    }

    /// <inheritdoc />
    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(serializer);
        writer.WriteStartArray();
        foreach (var item in (IEnumerable)value!) serializer.Serialize(writer, item);
        writer.WriteEndArray();
    }

    /// <inheritdoc />
    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer) =>
        throw new NotSupportedException("Written as a plain array and read back as the member's declared type.");
}
