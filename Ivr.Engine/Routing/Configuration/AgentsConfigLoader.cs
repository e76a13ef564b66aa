using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Schema;

namespace Ivr.Engine.Routing.Configuration;

/// <summary>
/// Loads <c>agents.json</c>: parses it with positions, validates it against <c>agents.schema.json</c> with the flows'
/// <see cref="JsonSchemaValidator"/>, then checks what a schema cannot (unique ids, known skills, valid patterns) and
/// binds it with System.Text.Json. Every error carries file, line, column, JSON pointer and a clear message.
/// </summary>
public static class AgentsConfigLoader
{
    /// <summary>The schema's file name, looked up beside the configuration and in the folders above it.</summary>
    public const string SchemaFileName = "agents.schema.json";

    /// <summary>Code of a duplicate skill or agent id.</summary>
    public const string DuplicateId = "AGT001";

    /// <summary>Code of an agent skill that names no skill.</summary>
    public const string UnknownSkill = "AGT002";

    /// <summary>Code of an invalid dial-plan setting (pattern that does not compile, min digits over max).</summary>
    public const string InvalidDialPlan = "AGT003";

    /// <summary>Code of a missing or unusable schema file.</summary>
    public const string SchemaMissing = "AGT004";

    /// <summary>Code of an <c>allowedNetworks</c> entry that is not an address range in CIDR form.</summary>
    public const string InvalidNetwork = "AGT005";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        AllowTrailingCommas = false,
    };

    /// <summary>Loads <paramref name="path"/>, validating with <paramref name="schemaPath"/> or the nearest <see cref="SchemaFileName"/>.</summary>
    public static AgentsConfigLoadResult LoadFile(string path, string? schemaPath = null)
    {
        if (!File.Exists(path))
            return Fail(new Diagnostic(DiagnosticCodes.FileNotFound, Severity.Error, path, 0, 0, "", $"The agents file '{path}' does not exist."));
        schemaPath ??= FindSchema(Path.GetDirectoryName(Path.GetFullPath(path)));
        if (schemaPath is null || !File.Exists(schemaPath))
            return Fail(new Diagnostic(SchemaMissing, Severity.Error, path, 0, 0, "",
                $"{SchemaFileName} was not found beside '{path}' or in any folder above it.", "Pass the schema path explicitly."));
        var schema = CompileSchema(File.ReadAllBytes(schemaPath), schemaPath);
        return Load(File.ReadAllBytes(path), path, schema);
    }

    /// <summary>Compiles the agents schema; throws <see cref="InvalidOperationException"/> if it is not valid JSON.</summary>
    public static JsonSchemaValidator CompileSchema(ReadOnlySpan<byte> utf8, string file)
    {
        var parsed = PositionedJsonReader.Parse(utf8, file, maxDepth: 128);
        if (parsed.Root is null) throw new InvalidOperationException($"{file} is not valid JSON: " + string.Join("; ", parsed.Diagnostics));
        return JsonSchemaValidator.Compile(parsed.Root);
    }

    /// <summary>Loads a configuration from UTF-8 text, reporting against <paramref name="file"/>.</summary>
    public static AgentsConfigLoadResult Load(ReadOnlySpan<byte> utf8, string file, JsonSchemaValidator schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var parsed = PositionedJsonReader.Parse(utf8, file, maxDepth: 32, maxBytes: 4 * 1024 * 1024);
        if (parsed.Root is not { } root) return new(null, parsed.Diagnostics);
        var diagnostics = new List<Diagnostic>(parsed.Diagnostics);
        diagnostics.AddRange(schema.Validate(root, file));
        if (diagnostics.Any(d => d.Severity == Severity.Error)) return new(null, Sorted(diagnostics));

        diagnostics.AddRange(Semantic(root, file));
        if (diagnostics.Any(d => d.Severity == Severity.Error)) return new(null, Sorted(diagnostics));

        try
        {
            var config = JsonSerializer.Deserialize<AgentsConfig>(utf8, Json)
                ?? throw new JsonException("The document is null.");
            return new(config, Sorted(diagnostics));
        }
        catch (JsonException e)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.SchemaViolation, Severity.Error, file, (int)(e.LineNumber ?? -1) + 1,
                (int)(e.BytePositionInLine ?? -1) + 1, ToPointer(e.Path), e.Message));
            return new(null, Sorted(diagnostics));
        }
    }

    private static IEnumerable<Diagnostic> Semantic(PositionedNode root, string file)
    {
        var skills = new HashSet<string>(StringComparer.Ordinal);
        foreach (var skill in root["skills"]?.Items ?? [])
            if (skill["id"] is { String: { } id } node && !skills.Add(id))
                yield return Error(DuplicateId, file, node, $"The skill id '{id}' is used more than once.", "Skill ids must be unique.");

        var agents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var agent in root["agents"]?.Items ?? [])
        {
            if (agent["id"] is { String: { } id } node && !agents.Add(id))
                yield return Error(DuplicateId, file, node, $"The agent id '{id}' is used more than once.", "Agent ids must be unique.");
            var own = new HashSet<string>(StringComparer.Ordinal);
            foreach (var skill in agent["skills"]?.Items ?? [])
            {
                if (skill["skill"] is not { String: { } name } skillNode) continue;
                if (!skills.Contains(name))
                    yield return Error(UnknownSkill, file, skillNode, $"The agent skill '{name}' is not one of the skills defined in /skills.",
                        "Known skills: " + string.Join(", ", skills.Order(StringComparer.Ordinal)) + ".");
                else if (!own.Add(name))
                    yield return Error(DuplicateId, file, skillNode, $"The agent lists the skill '{name}' more than once.");
            }
            foreach (var network in agent["sip"]?["allowedNetworks"]?.Items ?? [])
            {
                if (network.String is { } cidr && !System.Net.IPNetwork.TryParse(cidr, out _))
                    yield return Error(InvalidNetwork, file, network, $"'{cidr}' is not an address range in CIDR form.",
                        "Write a network and prefix length, like 192.0.2.0/24, 203.0.113.7/32 or 2001:db8::/32.");
            }
        }

        if (root["dialPlan"] is not { } plan) yield break;
        foreach (var pattern in plan["allowedPatterns"]?.Items ?? [])
        {
            string? problem = null;
            try
            {
                _ = new Regex(pattern.String ?? "", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
            }
            if (problem is not null) yield return Error(InvalidDialPlan, file, pattern, "This pattern is not a valid regular expression: " + problem);
        }
        if (plan["minDigits"] is { } min && plan["maxDigits"] is { } max && min.Number > max.Number)
            yield return Error(InvalidDialPlan, file, min, $"minDigits ({min.ToText()}) is more than maxDigits ({max.ToText()}).");
    }

    private static Diagnostic Error(string code, string file, PositionedNode node, string message, string? hint = null) =>
        new(code, Severity.Error, file, node.Line, node.Column, node.Pointer, message, hint);

    private static AgentsConfigLoadResult Fail(Diagnostic diagnostic) => new(null, [diagnostic]);

    private static IReadOnlyList<Diagnostic> Sorted(List<Diagnostic> diagnostics) =>
        diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToArray();

    private static string? FindSchema(string? folder)
    {
        for (var dir = folder is null ? null : new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, SchemaFileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    // System.Text.Json paths look like $.agents[2].skills[0]; diagnostics use RFC 6901 pointers.
    private static string ToPointer(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "";
        var pointer = new StringBuilder();
        foreach (Match m in Regex.Matches(path, @"\.([^.\[]+)|\[(\d+)\]|\['([^']*)'\]"))
        {
            var part = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
            pointer.Append('/').Append(part.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }
        return pointer.ToString();
    }
}
