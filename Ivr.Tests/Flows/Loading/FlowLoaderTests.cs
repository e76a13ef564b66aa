using Ivr.Flows.Diagnostics;
using Ivr.Flows.Json;
using Ivr.Flows.Loading;
using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;

namespace Ivr.Tests.Flows.Loading;

public class FlowLoaderTests
{
    private static readonly string AllKindsPath = RepoPaths.TestData("flows", "valid", "all-kinds.json");

    private static FlowDocument LoadAllKinds()
    {
        var result = FlowLoader.LoadFile(AllKindsPath);
        Assert.True(result.Document is not null, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        return result.Document!;
    }

    private static T StepOf<T>(FlowDocument doc, string name) where T : Step => Assert.IsType<T>(doc.Steps[name]);

    private static string Flow(string steps, string extra = "") =>
        "{\n\"id\": \"t\", \"version\": \"1\", \"language\": \"en-US\", \"start\": \"s\",\n" + extra + "\"steps\": {\n" + steps + "\n}\n}";

    [Fact]
    public void LoadFile_AllKinds_BindsTopLevel()
    {
        var doc = LoadAllKinds();
        Assert.Equal("all-kinds", doc.Id);
        Assert.Equal("1.2.0", doc.Version);
        Assert.Equal("Exercises every step kind and option of the flow format.", doc.Description);
        Assert.Equal("en-US", doc.Language);
        Assert.Equal(["en-US", "fr-FR"], doc.Languages);
        Assert.Equal("welcome", doc.Start);
        Assert.Equal("standard", doc.Variables["tier"]);
        Assert.Equal("", doc.Variables["account"]);
        Assert.Equal(
            ["welcome", "hours", "menu", "account", "remember", "queue", "transfer", "voicemail", "callback", "sub", "jump", "closed", "bye", "done"],
            doc.Steps.Keys);
        Assert.Equal(AllKindsPath, doc.Source.File);
        Assert.Equal(
            ["play", "branch", "menu", "digits", "set", "queue", "transfer", "message", "callback", "subflow", "goto", "hangup", "hangup", "return"],
            doc.Steps.Values.Select(s => s.Kind));
    }

    [Fact]
    public void LoadFile_AllKinds_BindsPromptsAndCalendars()
    {
        var doc = LoadAllKinds();
        var welcome = doc.Prompts["welcome"];
        Assert.Equal("/prompts/welcome", welcome.Pointer);
        Assert.Equal(new PromptVariant("fr-FR/welcome.wav", "Bienvenue chez Acme.", "/prompts/welcome/fr-FR"), welcome.Locales["fr-FR"]);
        Assert.Null(doc.Prompts["main-menu"].Locales["en-US"].Sound);

        var office = doc.Calendars["office"];
        Assert.Equal(("office", "Europe/Paris", "/calendars/office"), (office.Name, office.TimeZone, office.Pointer));
        Assert.Equal(11, office.Hours.Count);
        Assert.Contains(new OpenInterval(DayOfWeek.Wednesday, new TimeSpan(13, 30, 0), new TimeSpan(18, 0, 0)), office.Hours);
        Assert.Contains(new OpenInterval(DayOfWeek.Saturday, TimeSpan.FromHours(9), TimeSpan.FromHours(24)), office.Hours);
        Assert.DoesNotContain(office.Hours, h => h.Day == DayOfWeek.Sunday);
        Assert.Equal([new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1)], office.Closed);
    }

    [Fact]
    public void LoadFile_AllKinds_BindsPlayBranchAndConditions()
    {
        var doc = LoadAllKinds();
        var play = StepOf<PlayStep>(doc, "welcome");
        Assert.Equal(("welcome", "/steps/welcome", "Greets the caller.", "hours", false), (play.Name, play.Pointer, play.Description, play.Next, play.BargeIn));
        Assert.Equal(new PromptItem("welcome", null, null, "/steps/welcome/prompt"), Assert.Single(play.Prompt.Items));

        var branch = StepOf<BranchStep>(doc, "hours");
        Assert.Equal("menu", branch.Else);
        Assert.Equal(3, branch.Conditions.Count);
        Assert.Equal(new CalendarCondition("office", false, "/steps/hours/conditions/0/when"), branch.Conditions[0].When);
        Assert.Equal("/steps/hours/conditions/0", branch.Conditions[0].Pointer);
        var all = Assert.IsType<AllCondition>(branch.Conditions[1].When);
        var starts = Assert.IsType<VarCondition>(all.Conditions[0]);
        Assert.Equal(("caller.number", ConditionOp.StartsWith, "+33"), (starts.Var, starts.Op, Assert.Single(starts.Values)));
        var not = Assert.IsType<NotCondition>(all.Conditions[1]);
        var empty = Assert.IsType<VarCondition>(not.Inner);
        Assert.Equal((ConditionOp.Empty, 0, "/steps/hours/conditions/1/when/all/1/not"), (empty.Op, empty.Values.Count, empty.Pointer));
        var any = Assert.IsType<AnyCondition>(branch.Conditions[2].When);
        Assert.Equal(["gold", "platinum"], Assert.IsType<VarCondition>(any.Conditions[0]).Values);
        var less = Assert.IsType<VarCondition>(any.Conditions[1]);
        Assert.Equal((ConditionOp.LessThan, "30"), (less.Op, Assert.Single(less.Values)));
    }

    [Fact]
    public void LoadFile_AllKinds_BindsMenu()
    {
        var menu = StepOf<MenuStep>(LoadAllKinds(), "menu");
        Assert.Equal(2, menu.Prompt.Items.Count);
        Assert.Equal(new PromptItem(null, null, "Or say what you need.", "/steps/menu/prompt/1"), menu.Prompt.Items[1]);
        Assert.Equal("/steps/menu/prompt", menu.Prompt.Pointer);
        Assert.Equal((6.5, 2, "queue", true, false, 0.7, false), (menu.Timeout, menu.MaxRetries, menu.OnExhausted, menu.BargeIn, menu.Speech, menu.MinConfidence, menu.Reprompt));
        Assert.Equal(2, menu.NoInput.Count);
        Assert.Equal("en-US/sorry.wav", menu.NoInput[1].Items[0].Sound);
        Assert.Equal("Sorry, I did not get that.", Assert.Single(Assert.Single(menu.NoMatch).Items).Text);

        Assert.Equal(4, menu.Choices.Count);
        var billing = menu.Choices[0];
        Assert.Equal(["1"], billing.Keys);
        Assert.Equal(("account", "/steps/menu/choices/0"), (billing.Next, billing.Pointer));
        Assert.Equal(["billing", "bills"], billing.Phrases["*"]);
        Assert.Equal("1/billing", billing.Label);
        var support = menu.Choices[1];
        Assert.Equal(["2", "*"], support.Keys);
        Assert.Equal(["assistance"], support.PhrasesFor("fr-FR"));
        Assert.Equal(["support"], support.Phrases["en-US"]);
        var french = menu.Choices[2];
        Assert.Equal(("fr-FR", "switched"), (french.Language, french.Set["tier"]));
        Assert.Empty(french.Phrases);
        Assert.Empty(menu.Choices[3].Keys);
        Assert.Equal(
            ["1/billing", "2,*/support", "9", "other", "onExhausted"],
            menu.Links().Select(l => l.Label));
        Assert.Equal("/steps/menu/choices/3/next", menu.Links().ElementAt(3).Pointer);
    }

    [Fact]
    public void LoadFile_AllKinds_BindsDigitsAndSet()
    {
        var doc = LoadAllKinds();
        var digits = StepOf<DigitsStep>(doc, "account");
        Assert.Equal(("account", 6, 8, "", 7.0, 2.5, "^[0-9]+$", 4), (digits.Variable, digits.Min, digits.Max, digits.Terminator, digits.Timeout, digits.InterDigitTimeout, digits.Pattern, digits.MaxRetries));
        Assert.Equal(("remember", "queue", false), (digits.Next, digits.OnExhausted, digits.BargeIn));
        Assert.Single(digits.NoInput);
        Assert.Single(digits.NoMatch);

        var set = StepOf<SetStep>(doc, "remember");
        Assert.Equal(("known-{account}", "queue"), (set.Values["tier"], set.Next));
    }

    [Fact]
    public void LoadFile_AllKinds_BindsQueueAndOfferPolicy()
    {
        var queue = StepOf<QueueStep>(LoadAllKinds(), "queue");
        Assert.Equal(("billing", 7, 900.0), (queue.Skill, queue.Priority, queue.MaxWait));
        Assert.Equal(new QueueAnnounce(true, true, 45), queue.Announce);
        Assert.Equal("hold/music.wav", queue.Hold!.Items[0].Sound);
        Assert.Equal(new QueueOverflow(300, "general"), queue.Overflow);
        Assert.Equal(("callback", "voicemail", "transfer"), (queue.OnCallback, queue.OnMessage, queue.OnFailure));
        var offer = queue.Offer!;
        Assert.True(offer.Callback);
        Assert.True(offer.Message);
        Assert.Equal((120.0, 0.2, 10, 0.6, 90.0), (offer.WhenWaitOver, offer.WhenAbandonRateOver, offer.WhenQueueLongerThan, offer.WhenLikelyToAbandon, offer.ReofferEvery));
        Assert.Equal(("4", "5", "6"), (offer.CallbackKey, offer.MessageKey, offer.StayKey));
        Assert.Equal("/steps/queue/offer/prompt", offer.Prompt!.Pointer);
        Assert.Equal(2, queue.PromptRefs().Count());
    }

    [Fact]
    public void LoadFile_AllKinds_BindsTheRemainingKinds()
    {
        var doc = LoadAllKinds();
        var transfer = StepOf<TransferStep>(doc, "transfer");
        Assert.Equal(("sip:{call.dialled}@backup.example.com", TransferMethod.Bridge, "voicemail"), (transfer.To, transfer.Method, transfer.OnFailure));
        Assert.Equal("Transferring you.", transfer.Prompt!.Items[0].Text);

        var message = StepOf<MessageStep>(doc, "voicemail");
        Assert.Equal((60.0, false, "billing", "*", "bye"), (message.MaxLength, message.Beep, message.Skill, message.FinishKey, message.Next));

        var callback = StepOf<CallbackStep>(doc, "callback");
        Assert.Equal(("billing", false, 2, "bye", "queue"), (callback.Skill, callback.AllowOtherNumber, callback.MaxRetries, callback.Next, callback.OnDeclined));
        Assert.Equal("Type the number to call.", callback.NumberPrompt!.Items[0].Text);

        Assert.Equal(("survey", "jump"), (StepOf<SubflowStep>(doc, "sub").Flow, StepOf<SubflowStep>(doc, "sub").Next));
        Assert.Equal("bye", StepOf<GotoStep>(doc, "jump").Target);
        var closed = StepOf<HangupStep>(doc, "closed");
        Assert.Equal(("closed", "We are closed."), (closed.Reason, closed.Prompt!.Items[0].Text));
        StepOf<ReturnStep>(doc, "done");
    }

    [Fact]
    public void LoadText_OptionalPropertiesOmitted_UsesModelDefaults()
    {
        var result = FlowLoader.LoadText(Flow("""
            "s": { "type": "menu", "prompt": "p", "choices": [ { "keys": ["1"], "next": "d" } ], "onExhausted": "q" },
            "d": { "type": "digits", "prompt": "p", "variable": "v", "max": 4, "next": "q", "onExhausted": "q" },
            "q": { "type": "queue", "skill": "a", "offer": {}, "onCallback": "m", "onMessage": "m", "onFailure": "m" },
            "t": { "type": "transfer", "to": "sips:a@b", "onFailure": "m" },
            "c": { "type": "callback", "next": "m", "onDeclined": "m" },
            "m": { "type": "message", "next": "h" },
            "h": { "type": "hangup" }
            """), "t.json");
        var doc = result.Document!;
        Assert.Equal(["en-US"], doc.Languages);
        Assert.Empty(doc.Calendars);
        var menu = StepOf<MenuStep>(doc, "s");
        Assert.Equal((5.0, 3, true, true, 0.5, true), (menu.Timeout, menu.MaxRetries, menu.BargeIn, menu.Speech, menu.MinConfidence, menu.Reprompt));
        Assert.Empty(menu.NoInput);
        Assert.Empty(menu.Choices[0].Set);
        Assert.Null(menu.Choices[0].Language);
        var digits = StepOf<DigitsStep>(doc, "d");
        Assert.Equal((1, "#", 5.0, 3.0, 3, null), (digits.Min, digits.Terminator, digits.Timeout, digits.InterDigitTimeout, digits.MaxRetries, digits.Pattern));
        var queue = StepOf<QueueStep>(doc, "q");
        Assert.Equal((5, null, null, null), (queue.Priority, queue.Announce, queue.Overflow, queue.MaxWait));
        Assert.Equal(new OfferPolicy(), queue.Offer);
        Assert.Equal(TransferMethod.Refer, StepOf<TransferStep>(doc, "t").Method);
        Assert.Equal((true, 3), (StepOf<CallbackStep>(doc, "c").AllowOtherNumber, StepOf<CallbackStep>(doc, "c").MaxRetries));
        var message = StepOf<MessageStep>(doc, "m");
        Assert.Equal((120.0, true, "#", null), (message.MaxLength, message.Beep, message.FinishKey, message.Prompt));
        Assert.Null(message.OnError);
        Assert.Equal(["next"], message.Links().Select(l => l.Label));
        Assert.Equal(("normal", null), (StepOf<HangupStep>(doc, "h").Reason, StepOf<HangupStep>(doc, "h").Prompt));
    }

    [Fact]
    public void LoadText_MessageOnError_IsBound_AndIsTheStepsErrorLink()
    {
        var result = FlowLoader.LoadText(Flow("""
            "s": { "type": "message", "skill": "billing", "next": "h", "onError": "sorry" },
            "h": { "type": "hangup" },
            "sorry": { "type": "hangup", "reason": "message-not-stored" }
            """), "t.json");

        var message = StepOf<MessageStep>(result.Document!, "s");
        Assert.Equal(("h", "sorry"), (message.Next, message.OnError));
        Assert.Equal([("next", "h", "/steps/s/next"), ("error", "sorry", "/steps/s/onError")],
            message.Links().Select(l => (l.Label, l.Target, l.Pointer)));
    }

    [Fact]
    public void LoadText_MessageOnErrorNotAStepName_IsASchemaError()
    {
        var result = FlowLoader.LoadText(Flow("""
            "s": { "type": "message", "skill": "billing", "next": "h", "onError": 7 },
            "h": { "type": "hangup" }
            """), "t.json");

        Assert.Null(result.Document);
        Assert.Contains(result.Diagnostics, d => d.Severity == Severity.Error && d.Pointer == "/steps/s/onError");
    }

    [Fact]
    public void LoadText_LanguagesWithoutDefault_AddsTheDefaultLanguage()
    {
        var doc = FlowLoader.LoadText(Flow("\"s\": { \"type\": \"hangup\" }", "\"languages\": [\"fr-FR\"],\n"), "t.json").Document!;
        Assert.Equal(["en-US", "fr-FR"], doc.Languages);
    }

    [Fact]
    public void LoadFile_AllKinds_PositionsCoverEveryValue()
    {
        var doc = LoadAllKinds();
        var lines = File.ReadAllLines(AllKindsPath);
        Assert.Equal((1, 1), doc.Source.Positions[""]);
        foreach (var (pointer, expectedKey) in new[] { ("/steps/menu/choices/0/next", "\"next\": \"account\""), ("/steps/queue/priority", "\"priority\": 7"), ("/calendars/office/timeZone", "\"timeZone\"") })
        {
            var (line, column) = doc.Source.Positions[pointer];
            Assert.Contains(expectedKey, lines[line - 1], StringComparison.Ordinal);
            Assert.True(column > 1);
        }
        var (l, c) = doc.Source.Positions["/steps/menu"];
        Assert.Equal("{", lines[l - 1][(c - 1)..c]);
        Assert.Contains("/meta/layout/welcome/1", doc.Source.Positions.Keys);
        Assert.Equal(doc.Source.Positions["/steps/welcome/next"], doc.Source.PositionOf("/steps/welcome/next/nothing"));
    }

    [Fact]
    public void LoadFile_Missing_ReportsIvr001()
    {
        var result = FlowLoader.LoadFile(Path.Combine(Path.GetTempPath(), "ivr-no-such-flow-" + Guid.NewGuid() + ".json"));
        Assert.Null(result.Document);
        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void LoadFile_Folder_ReportsIvr001()
    {
        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Single(FlowLoader.LoadFile(Path.GetTempPath()).Diagnostics).Code);
    }

    [Fact]
    public void LoadFile_FiftyMegabytes_ReportsIvr004WithoutReading()
    {
        var path = Path.Combine(Path.GetTempPath(), "ivr-huge-" + Guid.NewGuid() + ".json");
        try
        {
            using (var stream = new FileStream(path, FileMode.CreateNew))
            {
                stream.Write("{\"id\": \""u8);
                stream.SetLength(50L * 1024 * 1024);
            }
            // Decided from the length alone (line 0: no byte was parsed); LoadFile_EndlessDevice shows reading is bounded.
            var result = FlowLoader.LoadFile(path);
            var d = Assert.Single(result.Diagnostics);
            Assert.Equal((DiagnosticCodes.FileTooLarge, 0, ""), (d.Code, d.Line, d.Pointer));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_EndlessDevice_ReportsIvr004()
    {
        if (!File.Exists("/dev/zero")) return;
        Assert.Equal(DiagnosticCodes.FileTooLarge, Assert.Single(FlowLoader.LoadFile("/dev/zero").Diagnostics).Code);
    }

    [Fact]
    public void LoadText_NumberOutOfRange_ReportsIvr003()
    {
        var d = Assert.Single(FlowLoader.LoadText("{\"meta\": 1e400}", "t.json").Diagnostics);
        Assert.Equal((DiagnosticCodes.InvalidJson, 1, 10), (d.Code, d.Line, d.Column));
    }

    [Fact]
    public void LoadBytes_OverTheLimit_ReportsIvr004()
    {
        var bytes = new byte[FlowLoader.MaxFileBytes + 1];
        Assert.Equal(DiagnosticCodes.FileTooLarge, Assert.Single(FlowLoader.LoadBytes(bytes, "big.json").Diagnostics).Code);
    }

    [Fact]
    public void LoadText_TenThousandNestedArrays_ReportsIvr005()
    {
        var text = "{\"meta\": " + new string('[', 10_000) + new string(']', 10_000) + "}";
        var d = Assert.Single(FlowLoader.LoadText(text, "deep.json").Diagnostics);
        Assert.Equal(DiagnosticCodes.NestingTooDeep, d.Code);
    }

    [Fact]
    public void LoadText_SchemaErrors_ReturnsNoDocumentAndAllErrorsSorted()
    {
        var result = FlowLoader.LoadText(Flow("\"s\": { \"type\": \"play\" },\n\"t\": { \"type\": \"nope\" },\n\"u\": { \"type\": \"goto\", \"target\": 1 }"), "t.json");
        Assert.Null(result.Document);
        Assert.True(result.HasErrors);
        Assert.Equal(
            [DiagnosticCodes.MissingProperty, DiagnosticCodes.MissingProperty, DiagnosticCodes.UnknownStepType, DiagnosticCodes.WrongType],
            result.Diagnostics.Select(d => d.Code));
        Assert.Equal(result.Diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column), result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Equal("t.json", d.File));
    }

    [Fact]
    public void LoadText_InvalidHours_ReturnsNoDocument()
    {
        var result = FlowLoader.LoadText(Flow("\"s\": { \"type\": \"hangup\" }",
            "\"calendars\": { \"c\": { \"timeZone\": \"UTC\", \"hours\": { \"sun\": [\"24:00-24:00\", \"10:60-11:00\"] } } },\n"), "t.json");
        Assert.Null(result.Document);
        Assert.Equal(["/calendars/c/hours/sun/0", "/calendars/c/hours/sun/1"], result.Diagnostics.Select(d => d.Pointer));
        Assert.All(result.Diagnostics, d => Assert.Equal(DiagnosticCodes.InvalidHours, d.Code));
    }

    [Fact]
    public void LoadText_WrapAroundDayRange_CoversTheWeekend()
    {
        var doc = FlowLoader.LoadText(Flow("\"s\": { \"type\": \"hangup\" }",
            "\"calendars\": { \"c\": { \"timeZone\": \"UTC\", \"hours\": { \"fri-mon\": [\"00:00-24:00\"] } } },\n"), "t.json").Document!;
        Assert.Equal([DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday], doc.Calendars["c"].Hours.Select(h => h.Day));
    }

    [Fact]
    public void LoadText_MinifiedFlowNearTheLimit_PositionsEveryValueInLinearWork()
    {
        var steps = new System.Text.StringBuilder();
        var count = 0;
        // Half the limit on one line. The work is counted, not timed: positioning every token decodes each byte of the
        // line once; the quadratic column count this guards against decoded the line from its start for every token.
        while (steps.Length < FlowLoader.MaxFileBytes / 2)
        {
            steps.Append(count == 0 ? "" : ",").Append($"\"s{count}\":{{\"type\":\"play\",\"prompt\":{{\"text\":\"Step {count}\"}},\"next\":\"s{count + 1}\"}}");
            count++;
        }
        steps.Append($",\"s{count}\":{{\"type\":\"hangup\"}}");
        var json = "{\"id\":\"big\",\"version\":\"1\",\"language\":\"en-US\",\"start\":\"s0\",\"steps\":{" + steps + "}}";
        var result = FlowLoader.LoadText(json, "big.json");
        Assert.Equal(count + 1, result.Document!.Steps.Count);
        var last = result.Document.Source.Positions[$"/steps/s{count}"];
        Assert.Equal(1, last.Line);
        Assert.Equal(json.Length - "{\"type\":\"hangup\"}}}".Length + 1, last.Column);

        var utf8 = System.Text.Encoding.UTF8.GetBytes(json);
        var parsed = PositionedJsonReader.Parse(utf8, "big.json", 64, int.MaxValue, out var decoded);
        Assert.NotNull(parsed.Root);
        Assert.InRange(decoded, utf8.Length / 2, utf8.Length);
    }

    [Fact]
    public void LoadBytes_MutatedFlows_NeverThrow()
    {
        var original = File.ReadAllBytes(AllKindsPath);
        var random = new Random(20261123);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var cut = random.Next(2) == 0 ? bytes : bytes[..random.Next(bytes.Length)];
            var result = FlowLoader.LoadBytes(cut, "fuzz.json");
            Assert.True(result.Document is not null || result.HasErrors);
        }
    }

    [Fact]
    public void LoadText_NonAsciiText_RoundTrips()
    {
        var doc = FlowLoader.LoadText(Flow("\"s\": { \"type\": \"hangup\", \"prompt\": { \"text\": \"Au revoir, à bientôt 👋\" } }"), "t.json").Document!;
        Assert.Equal("Au revoir, à bientôt 👋", StepOf<HangupStep>(doc, "s").Prompt!.Items[0].Text);
    }
}
