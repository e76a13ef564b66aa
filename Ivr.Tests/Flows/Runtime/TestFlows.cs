using Ivr.Flows.Model;
using Ivr.Flows.Model.Steps;
using static Ivr.Tests.Flows.Runtime.F;

namespace Ivr.Tests.Flows.Runtime;

/// <summary>Flows written in C# for the runtime tests, the property test and the benchmarks' shape.</summary>
internal static class TestFlows
{
    /// <summary>A bilingual hotline: welcome, language menu, business hours, billing/support/sales menu (speech + DTMF),
    /// account digits, queues with callback and message, after-hours message.</summary>
    public static FlowDocument Hotline() => Flow(
        "hotline",
        "welcome",
        [
            Play("welcome", Named("welcome"), "language"),
            Menu("language", Named("language_menu"), "hours",
                Choice("1", "hours", new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["english"] }, language: "en-US"),
                Choice("2", "hours", new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["français", "french"] }, language: "fr-FR"))
                with { MaxRetries = 1, Timeout = 3 },
            Branch("hours", "after_hours", (Open("office"), "main")),
            Menu("main", Named("main_menu"), "support_queue",
                Choice("1", "account", new Dictionary<string, IReadOnlyList<string>>
                {
                    ["en-US"] = ["billing", "bills"],
                    ["fr-FR"] = ["facturation", "factures"],
                }, set: new Dictionary<string, string> { ["department"] = "billing" }),
                Choice("2", "support_queue", new Dictionary<string, IReadOnlyList<string>>
                {
                    ["en-US"] = ["support", "help"],
                    ["fr-FR"] = ["assistance", "aide"],
                }, set: new Dictionary<string, string> { ["department"] = "support" }),
                Choice("3", "sales_queue", new Dictionary<string, IReadOnlyList<string>>
                {
                    ["en-US"] = ["sales"],
                    ["fr-FR"] = ["ventes"],
                }, set: new Dictionary<string, string> { ["department"] = "sales" }),
                Choice("9", "main"))
                with
                {
                    NoInput = [Named("no_input_1"), Named("no_input_2")],
                    NoMatch = [Named("no_match_1"), Named("no_match_2")],
                },
            Digits("account", Named("account_prompt"), "account", 8, "billing_queue", "billing_queue")
                with { Min = 6, InterDigitTimeout = 3, Pattern = "[0-9]+", NoMatch = [Named("account_invalid")] },
            Queue("billing_queue", "billing", "callback", "leave_message", "leave_message")
                with { Priority = 6, Hold = Named("hold"), Offer = new OfferPolicy { Message = true, WhenWaitOver = 120 }, MaxWait = 900 },
            Queue("support_queue", "support", "callback", "leave_message", "leave_message") with { Hold = Named("hold") },
            Queue("sales_queue", "sales", "callback", "leave_message", "leave_message") with { Priority = 7 },
            Callback("callback", "goodbye", "leave_message") with { Skill = "billing" },
            Message("leave_message", "goodbye", Named("message_prompt")) with { Skill = "billing", MaxLength = 90 },
            Play("after_hours", Named("after_hours"), "after_hours_message"),
            Message("after_hours_message", "goodbye", Named("message_prompt")),
            Hangup("goodbye", Named("goodbye")),
        ],
        [
            Prompt("welcome", ("en-US", "Welcome to Acme."), ("fr-FR", "Bienvenue chez Acme.")),
            Prompt("language_menu", ("en-US", "For English, press 1. Pour le français, tapez 2.")),
            Prompt("main_menu", ("en-US", "Say billing, support or sales, or press 1, 2 or 3."),
                ("fr-FR", "Dites facturation, assistance ou ventes, ou tapez 1, 2 ou 3.")),
            Prompt("no_input_1", ("en-US", "Sorry, I did not hear you."), ("fr-FR", "Désolé, je ne vous ai pas entendu.")),
            Prompt("no_input_2", ("en-US", "Still nothing."), ("fr-FR", "Toujours rien.")),
            Prompt("no_match_1", ("en-US", "Sorry, I did not understand."), ("fr-FR", "Désolé, je n'ai pas compris.")),
            Prompt("no_match_2", ("en-US", "Please use your keypad."), ("fr-FR", "Utilisez votre clavier.")),
            Prompt("account_prompt", ("en-US", "Enter your account number, then press pound."),
                ("fr-FR", "Tapez votre numéro de client, puis dièse.")),
            Prompt("account_invalid", ("en-US", "That account number is not valid."), ("fr-FR", "Ce numéro n'est pas valide.")),
            Prompt("hold", ("en-US", "Please hold, {caller.name}."), ("fr-FR", "Veuillez patienter, {caller.name}.")),
            Prompt("message_prompt", ("en-US", "Leave a message after the beep."), ("fr-FR", "Laissez un message après le bip.")),
            Prompt("after_hours", ("en-US", "We are closed."), ("fr-FR", "Nous sommes fermés.")),
            Prompt("goodbye", ("en-US", "Goodbye."), ("fr-FR", "Au revoir.")),
        ],
        language: "en-US",
        languages: ["en-US", "fr-FR"],
        variables: new Dictionary<string, string> { ["department"] = "" },
        calendars: [WeekdayCalendar("office", "Europe/Paris", "08:00", "18:00", new DateOnly(2026, 12, 25))]);

    /// <summary>A subflow that asks for a PIN and returns.</summary>
    public static FlowDocument PinSubflow() => Flow(
        "pin",
        "ask",
        [
            Digits("ask", Text("Enter your PIN."), "pin", 4, "mark", "mark") with { Min = 4, Terminator = "" },
            Set("mark", "done", ("verified", "yes:{pin}")),
            Return("done"),
        ],
        variables: new Dictionary<string, string> { ["verified"] = "no" });

    /// <summary>A flow calling <see cref="PinSubflow"/>.</summary>
    public static FlowDocument WithSubflow() => Flow(
        "outer",
        "hello",
        [
            Play("hello", Text("Hello."), "check"),
            Subflow("check", "pin", "after"),
            Play("after", Text("Verified {verified} with {pin}."), "bye"),
            Hangup("bye"),
        ],
        variables: new Dictionary<string, string> { ["verified"] = "no", ["pin"] = "" });

    /// <summary>A flow that never waits for the caller.</summary>
    public static FlowDocument Loop() => Flow(
        "loop",
        "a",
        [
            Set("a", "b", ("n", "x")),
            Goto("b", "a"),
        ]);

    /// <summary>Every step kind at least once, for the property test.</summary>
    public static FlowDocument EveryKind() => Flow(
        "every",
        "intro",
        [
            Play("intro", Text("Hi {caller.name}."), "menu"),
            Menu("menu", Text("1 digits, 2 transfer, 3 callback, 4 queue, 5 sub, say repeat."), "bye",
                Choice("1", "digits"), Choice("2", "transfer"), Choice("3", "callback"), Choice("4", "queue"),
                Choice("5", "sub"), Choice("", "menu", "repeat")) with { MaxRetries = 2 },
            Digits("digits", Text("Digits."), "code", 4, "check", "menu") with { Min = 2, Pattern = "1.*" },
            Branch("check", "menu", (Var("code", ConditionOp.StartsWith, "12"), "set")),
            Set("set", "transfer", ("target", "sip:{code}@example.com")),
            Transfer("transfer", "sip:{target}", "queue") with { Prompt = Text("Transferring.") },
            Queue("queue", "support", "callback", "message", "message"),
            Callback("callback", "bye", "message") with { MaxRetries = 2 },
            Message("message", "bye"),
            Subflow("sub", "pin", "menu"),
            Hangup("bye", Text("Bye.")),
        ],
        variables: new Dictionary<string, string> { ["target"] = "" });
}
