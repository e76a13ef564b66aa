using FsCheck.Xunit;
using Ivr.Flows.Loading;

namespace Ivr.Tests.Flows.Loading;

public class FlowLoaderPropertyTests
{
    [Property(MaxTest = 300)]
    public bool LoadText_AnyString_ReturnsADocumentOrErrors(string? text)
    {
        var result = FlowLoader.LoadText(text ?? string.Empty, "any.json");
        return result.Document is not null ^ result.HasErrors;
    }

    [Property(MaxTest = 300)]
    public bool LoadBytes_AnyBytes_ReturnsADocumentOrErrors(byte[]? bytes)
    {
        var result = FlowLoader.LoadBytes(bytes ?? [], "any.json");
        return result.Document is not null ^ result.HasErrors;
    }

    [Property(MaxTest = 200)]
    public bool LoadText_AnyStepObject_NeverThrows(string? kind, string? key, int number, bool flag)
    {
        var json = $$"""
            { "id": "p", "version": "1", "language": "en-US", "start": "s",
              "steps": { "s": { "type": {{System.Text.Json.JsonSerializer.Serialize(kind ?? "play")}},
                                {{System.Text.Json.JsonSerializer.Serialize(key ?? "next")}}: {{number}}, "bargeIn": {{(flag ? "true" : "false")}} } } }
            """;
        var result = FlowLoader.LoadText(json, "p.json");
        return result.Document is not null ^ result.HasErrors;
    }
}
