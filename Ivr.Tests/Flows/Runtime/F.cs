using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>Terse builders for flows written in C# (the JSON loader is another branch's work).</summary>
internal static class F
{
    public static PromptRef Text(string text) => new([PromptItem.InlineText(text)], string.Empty);

    public static PromptRef Named(params string[] names) => PromptRef.Of(names);

    public static PromptDefinition Prompt(string name, params (string Locale, string Text)[] locales) =>
        new(name, locales.ToDictionary(l => l.Locale, l => new PromptVariant($"{l.Locale}/{name}.wav", l.Text, "")), "/prompts/" + name);

    public static MenuChoice Choice(string keys, string next, params string[] phrases) =>
        new(keys.Select(k => k.ToString()).ToArray(),
            phrases.Length == 0 ? new Dictionary<string, IReadOnlyList<string>>() : new() { ["*"] = phrases },
            next, null, new Dictionary<string, string>(), "/choice");

    public static MenuChoice Choice(string keys, string next, Dictionary<string, IReadOnlyList<string>> phrases,
        string? language = null, Dictionary<string, string>? set = null) =>
        new(keys.Select(k => k.ToString()).ToArray(), phrases, next, language, set ?? new Dictionary<string, string>(), "/choice");

    public static PlayStep Play(string name, PromptRef prompt, string next) =>
        new() { Name = name, Pointer = P(name), Prompt = prompt, Next = next };

    public static MenuStep Menu(string name, PromptRef prompt, string onExhausted, params MenuChoice[] choices) =>
        new() { Name = name, Pointer = P(name), Prompt = prompt, Choices = choices, OnExhausted = onExhausted };

    public static DigitsStep Digits(string name, PromptRef prompt, string variable, int max, string next, string onExhausted) =>
        new() { Name = name, Pointer = P(name), Prompt = prompt, Variable = variable, Max = max, Next = next, OnExhausted = onExhausted };

    public static BranchStep Branch(string name, string @else, params (Condition When, string Next)[] cases) =>
        new() { Name = name, Pointer = P(name), Conditions = cases.Select(c => new BranchCase(c.When, c.Next, "/c")).ToArray(), Else = @else };

    public static SetStep Set(string name, string next, params (string Var, string Value)[] values) =>
        new() { Name = name, Pointer = P(name), Values = values.ToDictionary(v => v.Var, v => v.Value), Next = next };

    public static QueueStep Queue(string name, string skill, string onCallback, string onMessage, string onFailure) =>
        new() { Name = name, Pointer = P(name), Skill = skill, OnCallback = onCallback, OnMessage = onMessage, OnFailure = onFailure };

    public static TransferStep Transfer(string name, string to, string onFailure) =>
        new() { Name = name, Pointer = P(name), To = to, OnFailure = onFailure };

    public static MessageStep Message(string name, string next, PromptRef? prompt = null) =>
        new() { Name = name, Pointer = P(name), Next = next, Prompt = prompt };

    public static CallbackStep Callback(string name, string next, string onDeclined) =>
        new() { Name = name, Pointer = P(name), Next = next, OnDeclined = onDeclined };

    public static HangupStep Hangup(string name, PromptRef? prompt = null, string reason = "normal") =>
        new() { Name = name, Pointer = P(name), Prompt = prompt, Reason = reason };

    public static GotoStep Goto(string name, string target) => new() { Name = name, Pointer = P(name), Target = target };

    public static SubflowStep Subflow(string name, string flow, string next) => new() { Name = name, Pointer = P(name), Flow = flow, Next = next };

    public static ReturnStep Return(string name) => new() { Name = name, Pointer = P(name) };

    public static VarCondition Var(string var, ConditionOp op, params string[] values) => new(var, op, values, "/when");

    public static CalendarCondition Open(string calendar) => new(calendar, true, "/when");

    public static FlowDocument Flow(string id, string start, IEnumerable<Step> steps,
        IEnumerable<PromptDefinition>? prompts = null,
        string language = "en-US",
        string[]? languages = null,
        Dictionary<string, string>? variables = null,
        IEnumerable<Calendar>? calendars = null) => new()
    {
        Id = id,
        Version = "1.0.0",
        Language = language,
        Languages = languages ?? [language],
        Start = start,
        Steps = steps.ToDictionary(s => s.Name, s => s),
        Prompts = (prompts ?? []).ToDictionary(p => p.Name, p => p),
        Variables = variables ?? new Dictionary<string, string>(),
        Calendars = (calendars ?? []).ToDictionary(c => c.Name, c => c),
        Source = SourceInfo.InMemory(id),
    };

    public static Calendar WeekdayCalendar(string name, string timeZone, string from, string to, params DateOnly[] closed) => new(
        name,
        timeZone,
        Enum.GetValues<DayOfWeek>().Where(d => d is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            .Select(d => new OpenInterval(d, TimeSpan.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
                TimeSpan.Parse(to, System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray(),
        closed,
        "/calendars/" + name);

    public static CallInfo Call(string number = "+33612345678") => new("call-1", number, "Ada", "+33100000000");

    /// <summary>Compiles <paramref name="doc"/> and starts a run on a recording host.</summary>
    public static (FlowRun Run, RecordingHost Host) Start(FlowDocument doc, TimeProvider? time = null, Func<string, CompiledFlow?>? subflows = null)
    {
        var flow = FlowCompiler.Compile(doc, subflows);
        var host = new RecordingHost();
        var run = flow.CreateRun(host, Call(), time ?? TimeProvider.System);
        run.Start();
        return (run, host);
    }

    private static string P(string name) => "/steps/" + name;
}
