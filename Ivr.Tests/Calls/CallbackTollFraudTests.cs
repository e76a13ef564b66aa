using Akka.Actor;
using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Engine.Routing;
using Ivr.Engine.Routing.Callbacks;
using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Routing.DialPlan;
using Ivr.Engine.Routing.Live;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Routing.Live;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Ivr.Tests.Calls;

/// <summary>
/// Toll fraud inside a call: the caller types a callback number that the real dial plan refuses (premium rate, a country
/// not allowed, not a number, over the daily cap); the call actor plays the refusal's prompt, the flow asks again, and the
/// caller books another number. The router is the real <see cref="SkillRouter"/> with the real SQLite store.
/// </summary>
public sealed class CallbackTollFraudTests : CallTestKit
{
    private const string GoodNumber = "0612345679";
    private const string GoodE164 = "+33612345679";
    private readonly string _data = Directory.CreateTempSubdirectory("ivr-tollfraud-").FullName;
    private readonly RoutingStores _stores;

    // The router's clock: real time from a weekday morning, so "today" for the daily cap never ends mid-test (on the
    // system clock, a run in the first minutes after midnight put the earlier booking on yesterday).
    private readonly TimeProvider _routerClock = new Ops.OfficeHoursClock();
    private readonly LiveFlows _flows;

    public CallbackTollFraudTests(ITestOutputHelper output)
        : base(output)
    {
        _stores = new RoutingStores(_data, TimeProvider.System, CallbackRetryPolicy.Default);
        var folder = Path.Combine(_data, "flows");
        Directory.CreateDirectory(folder);
        File.Copy(RepoPaths.TestData("calls", "callback.json"), Path.Combine(folder, "callback.json"));
        _flows = new LiveFlows(folder, RepoPaths.Sounds, TimeProvider.System, NullLoggerFactory.Instance);
    }

    public static TheoryData<string, DialPlanRefusal, string> Refused => new()
    {
        { "0899123456", DialPlanRefusal.PremiumRate, "en-US/callback_refused_premium.wav" },
        { "0049301234567", DialPlanRefusal.CountryNotAllowed, "en-US/callback_refused_country.wav" },
        { "12345", DialPlanRefusal.Malformed, "en-US/callback_refused_malformed.wav" },
        { "0612345678901234567", DialPlanRefusal.Malformed, "en-US/callback_refused_malformed.wav" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task RefusedNumber_IsExplainedByItsPrompt_AndTheCallerBooksAnotherNumber(string typed, DialPlanRefusal refusal, string prompt)
    {
        // Why the default dial plan (the one the router runs here) refuses it.
        Assert.Equal(refusal, new CallbackDialPlan(new DialPlanOptions()).Check(typed).Reason);
        var media = await CallAndTypeAsync(typed);

        AwaitPlaying(media, prompt);
        Assert.Empty(await PendingAsync());
        media.FinishClip();
        TypeAnotherNumber(media, GoodNumber);

        AwaitPlaying(media, "en-US/callback_goodbye.wav");
        Assert.Equal(["en-US/callback_number.wav", prompt, "en-US/callback_number.wav", "en-US/callback_goodbye.wav"], media.Played);
        var booked = Assert.Single(await PendingAsync());
        Assert.Equal(GoodE164, booked.Number);
        Assert.Equal("en-US", booked.Language); // the caller's language in the flow: the callback greets in it
    }

    [Fact]
    public async Task NumberOverItsDailyCap_IsRefusedWithTheCapPrompt()
    {
        // The cap is one a day: a callback for 06 12 34 56 78 is already booked today.
        var store = await _stores.CallbacksAsync();
        var now = _routerClock.GetUtcNow();
        await store.BookAsync(new CallbackBooking("earlier-call", "billing", "+33612345678", "+33612345678", now.AddMinutes(-5), now.AddMinutes(-4)));
        var media = await CallAndTypeAsync("0612345678", dailyCap: 1);

        AwaitPlaying(media, "en-US/callback_refused_cap.wav");
        media.FinishClip();
        TypeAnotherNumber(media, GoodNumber);

        AwaitPlaying(media, "en-US/callback_goodbye.wav");
        var pending = await PendingAsync();
        Assert.Equal(["+33612345678", GoodE164], pending.Select(c => c.Number).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("fr-FR", "fr-FR/callback_greeting.wav")]
    [InlineData("fr", "fr-FR/callback_greeting.wav")] // same language, another region: still French
    [InlineData("fr-CA", "fr-FR/callback_greeting.wav")]
    [InlineData("en-US", "en-US/callback_greeting.wav")]
    [InlineData("en-GB", "en-US/callback_greeting.wav")]
    [InlineData("de-DE", "en-US/callback_greeting.wav")] // no German greeting: the default one
    [InlineData(null, "en-US/callback_greeting.wav")] // booked before languages were kept
    public void CallbackGreeting_FollowsTheLanguageTheCallerBookedIn(string? language, string sound) =>
        Assert.Equal(sound, CallTestFlows.Words.CallbackGreeting(language).Sound);

    /// <summary>Starts the router and a call, waits for the router's store, and types <paramref name="number"/> as the callback number.</summary>
    private async Task<InProcessMediaSession> CallAndTypeAsync(string number, int? dailyCap = null)
    {
        var agents = new AgentsConfig
        {
            Skills = [new SkillConfig { Id = "billing" }],
            Agents = [],
            DialPlan = new DialPlanConfig { DailyCapPerNumber = dailyCap },
        };
        var router = Sys.ActorOf(SkillRouter.Props(new SkillRouterSettings(agents, new RouterStatus()) { Stores = _stores, InitialState = AgentState.Away, Time = _routerClock }));
        await RouterStoreProbe.AwaitOpenAsync(router, "billing");
        var settings = new CallManagerSettings { FlowMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["hotline"] = "callback" } };
        var manager = StartManager(settings, new FlowLookup(_flows.Find), router: router);
        Call(manager);
        var media = MediaOf(0);
        // The confirmation of the caller ID is text (skipped without speech synthesis); 2 asks for another number.
        TypeAnotherNumber(media, number);
        return media;
    }

    private void TypeAnotherNumber(InProcessMediaSession media, string number)
    {
        media.Press('2');
        AwaitPlaying(media, "en-US/callback_number.wav");
        foreach (var digit in number) media.Press(digit);
        media.Press('#');
    }

    private async Task<IReadOnlyList<CallbackRecord>> PendingAsync() =>
        await (await _stores.CallbacksAsync()).ListPendingAsync();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        _flows.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
