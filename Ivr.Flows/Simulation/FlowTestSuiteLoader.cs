using System.Globalization;
using System.Text.Json;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Loading;
using Ivr.Flows.Runtime;

namespace Ivr.Flows.Simulation;

/// <summary>Reads scenario files (<c>flows.tests.schema.json</c>). Never throws on bad input: every problem is a diagnostic.</summary>
public static class FlowTestSuiteLoader
{
    private static readonly HashSet<string> TopKeys = ["$schema", "flow", "description", "defaults", "scenarios"];
    private static readonly HashSet<string> CallKeys = ["caller", "callerName", "dialled", "at", "language", "drain", "http", "history"];
    private static readonly HashSet<string> HistoryKeys =
        ["contactsLast24h", "contactsLast7d", "lastSkill", "lastAgent", "lastOutcome", "lastContactMinutesAgo", "lastAgentMinutesAgo"];
    private static readonly HashSet<string> StubKeys = ["status", "body", "delay", "error"];
    private static readonly HashSet<string> StubErrors =
        [HttpErrors.Timeout, HttpErrors.Network, HttpErrors.BreakerOpen, HttpErrors.NoService];
    private static readonly HashSet<string> ScenarioKeys = ["name", "description", "input", "expect", .. CallKeys];
    private static readonly HashSet<string> ExpectKeys = ["outcome", "visits", "notVisits", "variables", "language"];

    /// <summary>Loads a scenario file from disk.</summary>
    public static FlowTestSuiteLoadResult LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(DiagnosticCodes.FileNotFound, path, $"file not found: {path}",
                    Directory.Exists(path) ? "this is a folder; give the path of a .tests.json file" : null);
            }
            if (info.Length > FlowLoader.MaxFileBytes)
            {
                return Fail(DiagnosticCodes.FileTooLarge, path, $"the file is {info.Length:N0} bytes, more than the {FlowLoader.MaxFileBytes:N0} accepted", "split the scenarios into several files");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail(DiagnosticCodes.FileNotFound, path, $"cannot read {path}: {ex.Message}", null);
        }
        return LoadBytes(bytes, path);
    }

    /// <summary>Loads a scenario file from UTF-8 bytes; <paramref name="file"/> names it in diagnostics.</summary>
    public static FlowTestSuiteLoadResult LoadBytes(ReadOnlySpan<byte> utf8, string file)
    {
        if (utf8.Length > FlowLoader.MaxFileBytes) return Fail(DiagnosticCodes.FileTooLarge, file, "the file is too large", null);
        if (utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF) utf8 = utf8[3..];
        if (utf8.Trim((byte)' ').Trim("\r\n\t"u8).IsEmpty) return Fail(DiagnosticCodes.EmptyFile, file, "the file is empty", "a scenario file is a JSON object with \"flow\" and \"scenarios\"");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = FlowLoader.MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? -1) + 1;
            var col = (int)(ex.BytePositionInLine ?? 0) + 1;
            var depth = ex.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase);
            return new(null, [new Diagnostic(depth ? DiagnosticCodes.NestingTooDeep : DiagnosticCodes.InvalidJson, Severity.Error, file, line, line == 0 ? 0 : col, "",
                depth ? $"the JSON is nested deeper than {FlowLoader.MaxDepth} levels" : $"not valid JSON: {FirstSentence(ex.Message)}")]);
        }
        catch (ArgumentException ex)
        {
            return Fail(DiagnosticCodes.NotUtf8, file, $"not readable as UTF-8 JSON: {ex.Message}", null);
        }
        using (doc)
        {
            var reader = new Reader(file);
            var suite = reader.Suite(doc.RootElement);
            return new(reader.Errors.Count == 0 ? suite : null, reader.Errors);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static FlowTestSuiteLoadResult Fail(string code, string file, string message, string? hint) =>
        new(null, [new Diagnostic(code, Severity.Error, file, 0, 0, "", message, hint)]);

    private sealed class Reader(string file)
    {
        public List<Diagnostic> Errors { get; } = [];

        public FlowTestSuite? Suite(JsonElement root)
        {
            if (!Object(root, "")) return null;
            Unknown(root, "", TopKeys);
            var flow = RequiredString(root, "", "flow");
            var defaults = root.TryGetProperty("defaults", out var d) ? Call(d, "/defaults", CallKeys) : new FlowTestDefaults();
            var scenarios = new List<FlowTestScenario>();
            if (!root.TryGetProperty("scenarios", out var list)) Error(DiagnosticCodes.MissingProperty, "", "missing property 'scenarios'");
            else if (list.ValueKind != JsonValueKind.Array) Error(DiagnosticCodes.WrongType, "/scenarios", "'scenarios' must be an array");
            else
            {
                var i = 0;
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in list.EnumerateArray())
                {
                    var pointer = $"/scenarios/{i++}";
                    if (Scenario(s, pointer) is { } scenario)
                    {
                        if (!names.Add(scenario.Name)) Error(DiagnosticCodes.DuplicateItem, pointer + "/name", $"duplicate scenario name '{scenario.Name}'");
                        scenarios.Add(scenario);
                    }
                }
            }
            return flow is null ? null : new FlowTestSuite { File = file, Flow = flow, Defaults = defaults ?? new(), Scenarios = scenarios };
        }

        private FlowTestScenario? Scenario(JsonElement e, string pointer)
        {
            if (!Object(e, pointer)) return null;
            Unknown(e, pointer, ScenarioKeys);
            var name = RequiredString(e, pointer, "name");
            var inputs = new List<InputToken>();
            if (!e.TryGetProperty("input", out var input)) Error(DiagnosticCodes.MissingProperty, pointer, "missing property 'input'", "use [] for a call where the caller does nothing");
            else if (input.ValueKind == JsonValueKind.String)
            {
                if (!InputToken.TryParseScript(input.GetString()!, out var tokens, out var err)) Error(DiagnosticCodes.ValueNotAllowed, pointer + "/input", err!);
                else inputs.AddRange(tokens);
            }
            else if (input.ValueKind == JsonValueKind.Array)
            {
                var j = 0;
                foreach (var item in input.EnumerateArray())
                {
                    var p = $"{pointer}/input/{j++}";
                    if (item.ValueKind != JsonValueKind.String) Error(DiagnosticCodes.WrongType, p, "an input token must be a string");
                    else if (!InputToken.TryParse(item.GetString()!, out var token, out var err)) Error(DiagnosticCodes.ValueNotAllowed, p, err!);
                    else inputs.Add(token);
                }
            }
            else Error(DiagnosticCodes.WrongType, pointer + "/input", "'input' must be an array of strings or a comma-separated string");
            var call = Call(e, pointer, ScenarioKeys);
            ScenarioExpectation? expect = null;
            if (!e.TryGetProperty("expect", out var x)) Error(DiagnosticCodes.MissingProperty, pointer, "missing property 'expect'");
            else expect = Expect(x, pointer + "/expect");
            return name is null || call is null || expect is null ? null
                : new FlowTestScenario { Name = name, Input = inputs, Call = call, Expect = expect, Pointer = pointer };
        }

        private FlowTestDefaults? Call(JsonElement e, string pointer, HashSet<string> allowed)
        {
            if (!Object(e, pointer)) return null;
            if (ReferenceEquals(allowed, CallKeys)) Unknown(e, pointer, allowed);
            DateTimeOffset? at = null;
            if (OptionalString(e, pointer, "at") is { } text)
            {
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) at = parsed;
                else Error(DiagnosticCodes.PatternMismatch, pointer + "/at", $"'{text}' is not an ISO 8601 instant", "write it like 2026-11-23T10:00:00+01:00");
            }
            bool? drain = null;
            if (e.TryGetProperty("drain", out var dr))
            {
                if (dr.ValueKind is JsonValueKind.True or JsonValueKind.False) drain = dr.GetBoolean();
                else Error(DiagnosticCodes.WrongType, pointer + "/drain", "'drain' must be true or false");
            }
            return new FlowTestDefaults
            {
                Caller = OptionalString(e, pointer, "caller"),
                CallerName = OptionalString(e, pointer, "callerName"),
                Dialled = OptionalString(e, pointer, "dialled"),
                At = at,
                Language = OptionalString(e, pointer, "language"),
                Drain = drain,
                Http = e.TryGetProperty("http", out var http) ? Stubs(http, pointer + "/http") : null,
                History = e.TryGetProperty("history", out var history) ? History(history, pointer + "/history") : null,
            };
        }

        /// <summary>Reads <c>"history": { "contactsLast24h": 1, "lastAgent": "alice", "lastAgentMinutesAgo": 30, … }</c> (the caller's contacts).</summary>
        private CallerContacts? History(JsonElement e, string pointer)
        {
            if (!Object(e, pointer)) return null;
            Unknown(e, pointer, HistoryKeys);
            int? Count(string name)
            {
                if (!e.TryGetProperty(name, out var v)) return null;
                if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0) return n;
                Error(DiagnosticCodes.OutOfRange, $"{pointer}/{name}", $"'{name}' must be a whole number, 0 or more");
                return null;
            }
            var last24h = Count("contactsLast24h") ?? 0;
            var last7d = Count("contactsLast7d") ?? last24h;
            if (last7d < last24h) Error(DiagnosticCodes.OutOfRange, pointer + "/contactsLast7d", "'contactsLast7d' counts the last 24 hours too: it cannot be below 'contactsLast24h'");
            var lastAgent = OptionalString(e, pointer, "lastAgent");
            var lastContact = Count("lastContactMinutesAgo");
            return new CallerContacts(
                last24h,
                last7d,
                OptionalString(e, pointer, "lastSkill"),
                lastAgent,
                OptionalString(e, pointer, "lastOutcome"),
                lastContact,
                // The last agent's contact is the latest one unless the scenario says otherwise.
                Count("lastAgentMinutesAgo") ?? (lastAgent is null ? null : lastContact));
        }

        /// <summary>Reads <c>"http": { "&lt;step&gt;": { "status", "body", "delay", "error" } }</c>.</summary>
        private Dictionary<string, HttpStub>? Stubs(JsonElement e, string pointer)
        {
            if (!Object(e, pointer)) return null;
            var stubs = new Dictionary<string, HttpStub>(StringComparer.Ordinal);
            foreach (var step in e.EnumerateObject())
            {
                var at = $"{pointer}/{Escape(step.Name)}";
                if (!Object(step.Value, at)) continue;
                Unknown(step.Value, at, StubKeys);
                var status = 200;
                if (step.Value.TryGetProperty("status", out var s))
                {
                    if (s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var code) && code is >= 100 and <= 599) status = code;
                    else Error(DiagnosticCodes.OutOfRange, at + "/status", "'status' must be an HTTP status from 100 to 599");
                }
                double delay = 0;
                if (step.Value.TryGetProperty("delay", out var d))
                {
                    if (d.ValueKind == JsonValueKind.Number && d.GetDouble() is >= 0 and <= 3600) delay = d.GetDouble();
                    else Error(DiagnosticCodes.OutOfRange, at + "/delay", "'delay' must be a number of seconds from 0 to 3600");
                }
                var error = OptionalString(step.Value, at, "error");
                if (error is not null && !StubErrors.Contains(error))
                {
                    Error(DiagnosticCodes.ValueNotAllowed, at + "/error", $"'{error}' is not a failure a stub can give",
                        $"use one of: {string.Join(", ", StubErrors.Order(StringComparer.Ordinal))} (a status, a body that is not JSON or lacks a field give the others)");
                }
                // A JSON string body is sent as its text (so a scenario can stub bad JSON); any other value as its JSON.
                string? body = step.Value.TryGetProperty("body", out var b)
                    ? b.ValueKind == JsonValueKind.String ? b.GetString() : b.GetRawText()
                    : null;
                stubs[step.Name] = new HttpStub(status, body, delay, error);
            }
            return stubs;
        }

        private ScenarioExpectation? Expect(JsonElement e, string pointer)
        {
            if (!Object(e, pointer)) return null;
            Unknown(e, pointer, ExpectKeys);
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (e.TryGetProperty("variables", out var v))
            {
                if (v.ValueKind != JsonValueKind.Object) Error(DiagnosticCodes.WrongType, pointer + "/variables", "'variables' must be an object of strings");
                else
                {
                    foreach (var p in v.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.String) variables[p.Name] = p.Value.GetString()!;
                        else Error(DiagnosticCodes.WrongType, $"{pointer}/variables/{Escape(p.Name)}", "variable values are strings");
                    }
                }
            }
            return new ScenarioExpectation
            {
                Outcome = OptionalString(e, pointer, "outcome"),
                Visits = StringList(e, pointer, "visits"),
                NotVisits = StringList(e, pointer, "notVisits"),
                Variables = variables,
                Language = OptionalString(e, pointer, "language"),
            };
        }

        private List<string> StringList(JsonElement e, string pointer, string name)
        {
            var list = new List<string>();
            if (!e.TryGetProperty(name, out var a)) return list;
            if (a.ValueKind != JsonValueKind.Array)
            {
                Error(DiagnosticCodes.WrongType, $"{pointer}/{name}", $"'{name}' must be an array of step names");
                return list;
            }
            var i = 0;
            foreach (var item in a.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
                else Error(DiagnosticCodes.WrongType, $"{pointer}/{name}/{i}", "a step name must be a string");
                i++;
            }
            return list;
        }

        private bool Object(JsonElement e, string pointer)
        {
            if (e.ValueKind == JsonValueKind.Object) return true;
            Error(DiagnosticCodes.WrongType, pointer, $"expected an object, found {e.ValueKind.ToString().ToLowerInvariant()}");
            return false;
        }

        private void Unknown(JsonElement e, string pointer, HashSet<string> allowed)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (!allowed.Contains(p.Name))
                {
                    Error(DiagnosticCodes.UnknownProperty, $"{pointer}/{Escape(p.Name)}", $"unknown property '{p.Name}'", $"allowed here: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}");
                }
            }
        }

        private string? RequiredString(JsonElement e, string pointer, string name)
        {
            if (!e.TryGetProperty(name, out _))
            {
                Error(DiagnosticCodes.MissingProperty, pointer, $"missing property '{name}'");
                return null;
            }
            return OptionalString(e, pointer, name);
        }

        private string? OptionalString(JsonElement e, string pointer, string name)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            Error(DiagnosticCodes.WrongType, $"{pointer}/{name}", $"'{name}' must be a string");
            return null;
        }

        private void Error(string code, string pointer, string message, string? hint = null) =>
            Errors.Add(new Diagnostic(code, Severity.Error, file, 0, 0, pointer, message, hint));

        private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }
}
