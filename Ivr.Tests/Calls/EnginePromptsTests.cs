using System.Text.Json;
using System.Text.Json.Nodes;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Tests.Flows.Loading;
using Microsoft.Extensions.DependencyInjection;

namespace Ivr.Tests.Calls;

/// <summary>
/// What the engine says itself comes from <c>sounds/engine-prompts.json</c>: the English sentences are the ones callers
/// heard when they were C# literals, every prompt is in French, a locale falls back by language then to en-US, and a file
/// that cannot give every sentence fails at start-up naming the prompt and locale.
/// </summary>
public sealed class EnginePromptsTests
{
    private static readonly EnginePrompts Repo = EnginePromptsLoader.Load(RepoPaths.Sounds);

    private static readonly DialPlanRefusal[] AllRefusals = Enum.GetValues<DialPlanRefusal>();

    [Theory]
    [InlineData(1, "You are number 1 in line.")]
    [InlineData(3, "You are number 3 in line.")]
    [InlineData(12, "You are number 12 in line.")]
    [InlineData(1500, "You are number 1500 in line.")]
    public void QueuePosition_English_IsTodaysSentence(int position, string text)
    {
        var prompt = Repo.QueuePosition("en-US", position);

        Assert.Equal(text, prompt.Text);
        Assert.Equal(("queue_position", "en-US", (string?)null), (prompt.Name, prompt.Locale, prompt.Sound));
    }

    [Fact]
    public void QueuePosition_NotAPlace_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Repo.QueuePosition("en-US", 0));

    // Every range AnnouncedWait has, with the sentence the call actor built from AnnouncedWait.Text.
    [Theory]
    [InlineData(0, "Your expected wait is less than a minute.")]
    [InlineData(1, "Your expected wait is 1 to 2 minutes.")]
    [InlineData(2, "Your expected wait is 2 to 4 minutes.")]
    [InlineData(3, "Your expected wait is 4 to 5 minutes.")]
    [InlineData(4, "Your expected wait is 5 to 10 minutes.")]
    [InlineData(5, "Your expected wait is 10 to 15 minutes.")]
    [InlineData(6, "Your expected wait is 15 to 20 minutes.")]
    [InlineData(7, "Your expected wait is 20 to 25 minutes.")]
    [InlineData(8, "Your expected wait is 25 to 30 minutes.")]
    [InlineData(9, "Your expected wait is 30 to 35 minutes.")]
    [InlineData(10, "Your expected wait is 35 to 40 minutes.")]
    [InlineData(11, "Your expected wait is 40 to 45 minutes.")]
    [InlineData(12, "Your expected wait is 45 to 50 minutes.")]
    [InlineData(13, "Your expected wait is 50 to 55 minutes.")]
    [InlineData(14, "Your expected wait is 55 to 60 minutes.")]
    [InlineData(15, "Your expected wait is more than an hour.")]
    public void ExpectedWait_EveryRange_English_IsTodaysSentence(int bucket, string text)
    {
        Assert.Equal(16, AnnouncedWait.BucketCount);

        Assert.Equal(text, Repo.ExpectedWait("en-US", AnnouncedWait.FromBucket(bucket)).Text);
    }

    [Theory]
    [InlineData(0.5, "Votre temps d'attente estimé est de moins d'une minute.")]
    [InlineData(3, "Votre temps d'attente estimé est de 2 à 4 minutes.")]
    [InlineData(75, "Votre temps d'attente estimé est de plus d'une heure.")]
    public void ExpectedWait_French(double minutes, string text) =>
        Assert.Equal(text, Repo.ExpectedWait("fr-FR", AnnouncedWait.From(TimeSpan.FromMinutes(minutes))).Text);

    [Theory]
    [InlineData("1", "2", "0", false,
        "To be called back without losing your place, press 1. To leave a message, press 2. To keep waiting, press 0.")]
    [InlineData("1", "2", "0", true,
        "To be called back without losing your place, press 1 or say callback. To leave a message, press 2 or say message. To keep waiting, press 0 or say wait.")]
    [InlineData("1", null, "9", false, "To be called back without losing your place, press 1. To keep waiting, press 9.")]
    [InlineData("1", null, "9", true, "To be called back without losing your place, press 1 or say callback. To keep waiting, press 9 or say wait.")]
    [InlineData(null, "2", "#", false, "To leave a message, press 2. To keep waiting, press #.")]
    [InlineData(null, "2", "#", true, "To leave a message, press 2 or say message. To keep waiting, press # or say wait.")]
    public void Offer_English_IsTodaysSentences(string? callbackKey, string? messageKey, string stayKey, bool spoken, string text)
    {
        var prompt = Repo.Offer("en-US", callbackKey, messageKey, stayKey, spoken);

        Assert.Equal(text, prompt.Text);
        Assert.Equal((EnginePrompts.OfferName, "en-US", (string?)null), (prompt.Name, prompt.Locale, prompt.Sound));
    }

    [Fact]
    public void Offer_French_NamesTheFrenchAnswers()
    {
        Assert.Equal(
            "Pour être rappelé sans perdre votre place, appuyez sur 1 ou dites rappel. Pour laisser un message, appuyez sur 2 ou dites message. "
            + "Pour continuer à patienter, appuyez sur 3 ou dites patienter.",
            Repo.Offer("fr-FR", "1", "2", "3", spokenAnswers: true).Text);
        Assert.Equal("Pour être rappelé sans perdre votre place, appuyez sur 1. Pour continuer à patienter, appuyez sur 3.",
            Repo.Offer("fr-CA", "1", null, "3", spokenAnswers: false).Text);
    }

    [Fact]
    public void QueuePosition_French() =>
        Assert.Equal("Vous êtes en position 4 dans la file d'attente.", Repo.QueuePosition("fr-FR", 4).Text);

    [Fact]
    public void RepoFile_EveryPromptHasItsOwnFrenchText()
    {
        var prompts = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Sounds, EnginePrompts.FileName)))!["prompts"]!.AsObject();

        Assert.Equal(EnginePrompts.Expected.Keys.Order(StringComparer.Ordinal), prompts.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["en-US", "fr-FR"], Repo.Locales);
        foreach (var (name, locales) in prompts)
        {
            var english = (string?)locales!["en-US"]!["text"];
            var french = (string?)locales["fr-FR"]?["text"];
            Assert.False(string.IsNullOrWhiteSpace(french), name);
            Assert.NotEqual(english, french);
        }
    }

    [Fact]
    public void RepoFile_RecordedPrompts_KeepTheirSoundInTheirLocale_AndItIsRendered()
    {
        foreach (var locale in new[] { "en-US", "fr-FR" })
        {
            var recorded = AllRefusals.Select(r => Repo.CallbackRefused(locale, r)).Append(Repo.CallbackGreeting(locale)).ToList();
            Assert.Equal(7, recorded.DistinctBy(p => p.Name).Count()); // six refusals (None is "unavailable") and the greeting
            foreach (var prompt in recorded)
            {
                Assert.Equal($"{locale}/{prompt.Name}.wav", prompt.Sound);
                Assert.Equal(locale, prompt.Locale);
                Assert.True(File.Exists(Path.Combine(RepoPaths.Sounds, prompt.Sound!)), prompt.Sound);
                Assert.NotNull(CallTestFlows.Prompts.Find(prompt));
            }
        }
    }

    [Theory]
    [InlineData(DialPlanRefusal.Malformed, "callback_refused_malformed", "Sorry, that is not a valid phone number. Please enter it again, with the area code.")]
    [InlineData(DialPlanRefusal.CountryNotAllowed, "callback_refused_country", "Sorry, we cannot call back numbers in that country. Please give another number.")]
    [InlineData(DialPlanRefusal.PremiumRate, "callback_refused_premium", "Sorry, we cannot call back premium-rate or special numbers. Please give another number.")]
    [InlineData(DialPlanRefusal.NotMatchingPattern, "callback_refused_pattern", "Sorry, we cannot call back that kind of number. Please give a mobile or landline number.")]
    [InlineData(DialPlanRefusal.OverDailyCap, "callback_refused_cap", "Sorry, this number has already asked for as many callbacks as we can make today.")]
    [InlineData(DialPlanRefusal.None, "callback_refused_unavailable", "Sorry, we cannot call back that number.")]
    public void CallbackRefused_English_IsTheRecordedSentence(DialPlanRefusal reason, string name, string text)
    {
        var prompt = Repo.CallbackRefused("en-US", reason);

        Assert.Equal((name, text, $"en-US/{name}.wav"), (prompt.Name, prompt.Text, prompt.Sound));
    }

    [Theory]
    [InlineData("en-US", "Sorry, we cannot book your callback right now. Please stay on the line, or call again later.")]
    [InlineData("fr-FR", "Désolé, nous ne pouvons pas enregistrer votre rappel pour le moment. Veuillez rester en ligne, ou rappeler plus tard.")]
    public void CallbackNotKept_IsTheRecordedSentence_NotARefusalOfTheNumber(string locale, string text)
    {
        var prompt = Repo.CallbackNotKept(locale);

        Assert.Equal(("callback_not_kept", text, $"{locale}/callback_not_kept.wav"), (prompt.Name, prompt.Text, prompt.Sound));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Sounds, prompt.Sound!)));
    }

    [Theory]
    [InlineData("en-US", "Sorry, we could not keep your message. Please call again later.")]
    [InlineData("fr-FR", "Désolé, nous n'avons pas pu conserver votre message. Veuillez rappeler plus tard.")]
    public void MessageNotKept_IsTheRecordedSentence(string locale, string text)
    {
        var prompt = Repo.MessageNotKept(locale);

        Assert.Equal(("message_not_kept", text, $"{locale}/message_not_kept.wav"), (prompt.Name, prompt.Text, prompt.Sound));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Sounds, prompt.Sound!)));
    }

    [Theory]
    [InlineData("callback_not_kept")]
    [InlineData("message_not_kept")]
    public void Parse_MissingNotKeptPrompt_FailsNamingIt(string name)
    {
        var file = RepoFile();
        file["prompts"]!.AsObject().Remove(name);

        var error = ParseFails(file);

        Assert.Equal((name, (string?)null), (error.Prompt, error.Locale));
        Assert.Contains($"prompt '{name}': is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CallbackGreeting_English_IsTheRecordedSentence() =>
        Assert.Equal("Hello, this is your callback. Please hold while we connect you to an agent.", Repo.CallbackGreeting("en-US").Text);

    [Theory]
    [InlineData("fr-FR", "fr-FR")]
    [InlineData("FR-fr", "fr-FR")]
    [InlineData("fr", "fr-FR")] // same language, no region: French
    [InlineData("fr-CA", "fr-FR")] // same language, another region: still French
    [InlineData("en-US", "en-US")]
    [InlineData("en-GB", "en-US")]
    [InlineData("de-DE", "en-US")] // no German: the default
    [InlineData("", "en-US")]
    [InlineData(null, "en-US")] // a callback booked before languages were kept
    public void EveryPrompt_FallsBackByLanguage_ThenToEnglish(string? asked, string used)
    {
        var prompts = new[]
        {
            Repo.CallbackGreeting(asked), Repo.CallbackRefused(asked, DialPlanRefusal.PremiumRate), Repo.QueuePosition(asked, 2),
            Repo.ExpectedWait(asked, AnnouncedWait.FromBucket(3)), Repo.Offer(asked, "1", "2", "3", spokenAnswers: true),
        };

        Assert.All(prompts, p => Assert.Equal(used, p.Locale));
        Assert.Equal($"{used}/callback_greeting.wav", prompts[0].Sound);
        Assert.Equal(Repo.QueuePosition(used, 2).Text, prompts[2].Text);
    }

    [Fact]
    public void LocaleFor_TwoRegionsOfALanguage_TheFilesFirstForAThird()
    {
        var file = RepoFile();
        foreach (var (_, locales) in file["prompts"]!.AsObject())
        {
            locales!["fr-CA"] = locales["fr-FR"]!.DeepClone();
            locales.AsObject().Remove("fr-FR");
            locales["fr-FR"] = locales["fr-CA"]!.DeepClone();
        }

        var prompts = Parse(file);

        Assert.Equal(["en-US", "fr-CA", "fr-FR"], prompts.Locales);
        Assert.Equal(("fr-CA", "fr-FR", "fr-CA"), (prompts.LocaleFor("fr-CA"), prompts.LocaleFor("fr-FR"), prompts.LocaleFor("fr-BE")));
    }

    [Fact]
    public void Parse_DoubledBraces_AreLiteral()
    {
        var file = RepoFile();
        file["prompts"]!["queue_wait_over_an_hour"]!["en-US"]!["text"] = "Over {{60}} minutes.";
        file["prompts"]!["queue_position"]!["en-US"]!["text"] = "{{You}} are number {position}.";

        var prompts = Parse(file);

        Assert.Equal("Over {60} minutes.", prompts.ExpectedWait("en-US", AnnouncedWait.FromBucket(15)).Text);
        Assert.Equal("{You} are number 7.", prompts.QueuePosition("en-US", 7).Text);
    }

    [Fact]
    public void Parse_MissingPrompt_FailsNamingIt()
    {
        var file = RepoFile();
        file["prompts"]!.AsObject().Remove("queue_position");

        var error = ParseFails(file);

        Assert.Equal(("queue_position", (string?)null), (error.Prompt, error.Locale));
        Assert.Contains("prompt 'queue_position': is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("{position}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingLocale_FailsNamingPromptAndLocale()
    {
        var file = RepoFile();
        file["prompts"]!["queue_wait_range"]!.AsObject().Remove("fr-FR");

        var error = ParseFails(file);

        Assert.Equal(("queue_wait_range", "fr-FR"), (error.Prompt, error.Locale));
        Assert.Contains("prompt 'queue_wait_range' (fr-FR): is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NewLocaleOnOnePromptOnly_FailsForTheOthers()
    {
        var file = RepoFile();
        file["prompts"]!["callback_greeting"]!["de-DE"] = new JsonObject { ["text"] = "Guten Tag, hier ist Ihr Rückruf." };

        var error = ParseFails(file);

        Assert.Equal("de-DE", error.Locale);
        Assert.NotEqual("callback_greeting", error.Prompt);
    }

    [Fact]
    public void Parse_NoDefaultLocale_Fails()
    {
        var file = RepoFile();
        foreach (var (_, locales) in file["prompts"]!.AsObject()) locales!.AsObject().Remove("en-US");

        var error = ParseFails(file);

        Assert.Equal(((string?)null, "en-US"), (error.Prompt, error.Locale));
        Assert.Contains("default locale", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TemplateLacksItsPlaceholder_FailsNamingIt()
    {
        var file = RepoFile();
        file["prompts"]!["queue_offer_stay"]!["fr-FR"]!["text"] = "Pour continuer à patienter, appuyez sur une touche.";

        var error = ParseFails(file);

        Assert.Equal(("queue_offer_stay", "fr-FR"), (error.Prompt, error.Locale));
        Assert.Contains("lacks {key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TemplateUsesAPlaceholderTheEngineDoesNotFill_FailsNamingIt()
    {
        var file = RepoFile();
        file["prompts"]!["queue_position"]!["en-US"]!["text"] = "You are number {position} of {total}.";

        var error = ParseFails(file);

        Assert.Equal(("queue_position", "en-US"), (error.Prompt, error.Locale));
        Assert.Contains("uses {total}, which the engine does not fill", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PlaceholderInAPromptWithout_Fails()
    {
        var file = RepoFile();
        file["prompts"]!["callback_greeting"]!["fr-FR"]!["text"] = "Bonjour {name}.";

        var error = ParseFails(file);

        Assert.Equal(("callback_greeting", "fr-FR"), (error.Prompt, error.Locale));
        Assert.Contains("uses {name}", error.Message, StringComparison.Ordinal);
        Assert.Contains("no placeholders", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnbalancedBrace_Fails()
    {
        var file = RepoFile();
        file["prompts"]!["queue_wait_range"]!["en-US"]!["text"] = "Your expected wait is {low} to {high minutes.";

        var error = ParseFails(file);

        Assert.Equal(("queue_wait_range", "en-US"), (error.Prompt, error.Locale));
        Assert.Contains("opens no placeholder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TemplateWithARecordedSound_Fails()
    {
        var file = RepoFile();
        file["prompts"]!["queue_position"]!["en-US"]!["sound"] = "en-US/queue_position.wav";

        var error = ParseFails(file);

        Assert.Equal(("queue_position", "en-US"), (error.Prompt, error.Locale));
        Assert.Contains("remove its \"sound\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoText_Fails()
    {
        var file = RepoFile();
        file["prompts"]!["callback_refused_cap"]!["fr-FR"]!.AsObject().Remove("text");

        var error = ParseFails(file);

        Assert.Equal(("callback_refused_cap", "fr-FR"), (error.Prompt, error.Locale));
        Assert.Contains("needs a \"text\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownPrompt_FailsNamingIt()
    {
        var file = RepoFile();
        file["prompts"]!["queue_postion"] = file["prompts"]!["queue_position"]!.DeepClone();

        var error = ParseFails(file);

        Assert.Equal("queue_postion", error.Prompt);
        Assert.Contains("not a prompt the engine says", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_FailsNamingTheFile()
    {
        var error = Assert.Throws<EnginePromptsException>(() => EnginePromptsLoader.Parse("{ \"prompts\": { ", "test/engine-prompts.json"));

        Assert.Equal("test/engine-prompts.json", error.FilePath);
        Assert.StartsWith("test/engine-prompts.json: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoFile_FailsNamingIt()
    {
        var folder = Directory.CreateTempSubdirectory("ivr-engine-prompts-").FullName;
        try
        {
            var error = Assert.Throws<EnginePromptsException>(() => EnginePromptsLoader.Load(folder));

            Assert.Equal(Path.Combine(folder, EnginePrompts.FileName), error.FilePath);
            Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AddIvrEngine_ServesThePromptsOfItsSoundsFolder()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddIvrEngine(EngineOptions.Load(new Dictionary<string, string?> { ["Sounds:Folder"] = RepoPaths.Sounds }));
        using var provider = services.BuildServiceProvider();

        var prompts = provider.GetRequiredService<EnginePrompts>();

        Assert.Same(prompts, provider.GetRequiredService<EnginePrompts>());
        Assert.Equal("You are number 2 in line.", prompts.QueuePosition("en-US", 2).Text);
    }

    private static JsonNode RepoFile() => JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Sounds, EnginePrompts.FileName)))!;

    private static EnginePrompts Parse(JsonNode file) =>
        EnginePromptsLoader.Parse(file.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), "test/engine-prompts.json");

    private static EnginePromptsException ParseFails(JsonNode file) => Assert.Throws<EnginePromptsException>(() => Parse(file));
}
