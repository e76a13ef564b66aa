using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Ops;
using Ivr.Engine.Routing;
using Ivr.Tests.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Ops;

/// <summary>
/// The ops HTTP surface of a real engine host (Kestrel, Akka, OpenTelemetry's Prometheus exporter) with in-process SIP and
/// media: skill gauges from a router-fed <see cref="ISkillStatusSource"/>, the JSON API, the admin token and readiness.
/// </summary>
public class OpsApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Two engine hosts in one process (as tests run them side by side): each one's <c>/metrics</c> shows its own skills
    /// only. OpenTelemetry listens to meters by name process-wide; each host now keeps the meters of its own factory —
    /// before, a host published the other's skills (a "sales" EWT appeared in a neighbour test's scrape under load).
    /// </summary>
    [Fact]
    public async Task TwoHostsInOneProcess_EachPublishesOnlyItsOwnSkills()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var alpha = new RouterFedSkills(clock);
        alpha.AddSkill("alpha");
        var beta = new RouterFedSkills(clock);
        beta.AddSkill("beta");
        await using var first = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISkillStatusSource>(alpha);
            OpsHost.InProcessPlugs(services);
        });
        await using var second = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISkillStatusSource>(beta);
            OpsHost.InProcessPlugs(services);
        });

        var a = await first.ScrapeAsync();
        var b = await second.ScrapeAsync();

        Assert.True(a.ContainsKey("""ivr_skill_waiting{skill="alpha"}"""), "the first host publishes its skill");
        Assert.False(a.ContainsKey("""ivr_skill_waiting{skill="beta"}"""), "the second host's skill leaked into the first's scrape");
        Assert.True(b.ContainsKey("""ivr_skill_waiting{skill="beta"}"""), "the second host publishes its skill");
        Assert.False(b.ContainsKey("""ivr_skill_waiting{skill="alpha"}"""), "the first host's skill leaked into the second's scrape");
    }

    [Fact]
    public async Task SkillGauges_ShowWhatTheRegisteredSkillSourceComputes_InMetricsAndStatus()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var skills = new RouterFedSkills(clock);
        skills.AddSkill("billing");
        skills.AddSkill("sales");
        skills.AddAgent("ann", "billing", AgentState.Ready);
        skills.AddAgent("bob", "billing", AgentState.Talking);
        skills.AddAgent("cyd", "billing", AgentState.WrapUp);
        foreach (var caller in new[] { "c1", "c2", "c3", "c4" })
        {
            skills.Arrive("billing", caller);
            clock.Advance(TimeSpan.FromSeconds(10));
        }
        skills.Answer("billing", "c1", TimeSpan.FromMinutes(4));
        clock.Advance(TimeSpan.FromSeconds(30));
        skills.Abandon("billing", "c2");
        skills.CallbackDialled("billing", reached: false);
        skills.CallbackDialled("billing", reached: true);
        skills.MessageRecorded("billing");
        await using var host = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISkillStatusSource>(skills);
            OpsHost.InProcessPlugs(services);
        });

        var expected = skills.Snapshot().Single(s => s.Skill == "billing");
        var m = await host.ScrapeAsync();
        var status = await StatusAsync(host);

        Assert.Equal(2, expected.Waiting);
        Assert.Equal(expected.Waiting, m.Get("""ivr_skill_waiting{skill="billing"}"""));
        Assert.Equal(0, m.Get("""ivr_skill_waiting{skill="sales"}"""));
        Assert.Equal(expected.LongestWait.TotalSeconds, m.Get("""ivr_skill_longest_wait_seconds{skill="billing"}"""), 6);
        Assert.Equal(expected.ExpectedWait!.Value.TotalSeconds, m.Get("""ivr_skill_expected_wait_seconds{skill="billing"}"""), 6);
        Assert.False(m.ContainsKey("""ivr_skill_expected_wait_seconds{skill="sales"}"""), "no EWT is published for a skill without staff");
        Assert.Equal(expected.Window.AbandonmentRate, m.Get("""ivr_skill_abandonment_ratio{skill="billing"}"""), 6);
        Assert.Equal(expected.Window.ServiceLevel!.Value, m.Get("""ivr_skill_service_level_ratio{skill="billing"}"""), 6);
        Assert.Equal(expected.Window.AverageSpeedOfAnswer!.Value.TotalSeconds, m.Get("""ivr_skill_asa_seconds{skill="billing"}"""), 6);
        Assert.Equal((4.0, 1.0, 1.0), (m.Get("""ivr_skill_window_arrivals{skill="billing"}"""), m.Get("""ivr_skill_window_answered{skill="billing"}"""), m.Get("""ivr_skill_window_abandoned{skill="billing"}""")));
        Assert.Equal((1.0, 1.0, 1.0, 0.0), (
            m.Get("""ivr_skill_agents{skill="billing",state="ready"}"""),
            m.Get("""ivr_skill_agents{skill="billing",state="talking"}"""),
            m.Get("""ivr_skill_agents{skill="billing",state="wrap-up"}"""),
            m.Get("""ivr_skill_agents{skill="billing",state="away"}""")));
        Assert.Equal((2.0, 1.0, 1.0), (m.Get("""ivr_skill_callbacks_dialled_total{skill="billing"}"""), m.Get("""ivr_skill_callbacks_failed_total{skill="billing"}"""), m.Get("""ivr_skill_messages_total{skill="billing"}""")));

        var tile = status.Skills.Single(s => s.Skill == "billing");
        Assert.Equal((expected.Waiting, expected.LongestWait.TotalSeconds, expected.ExpectedWait.Value.TotalSeconds), (tile.Waiting, tile.LongestWaitSeconds, tile.ExpectedWaitSeconds!.Value));
        Assert.Equal((1, 1, 1), (tile.Agents["ready"], tile.Agents["talking"], tile.Agents["wrap-up"]));
        Assert.Equal((expected.Window.AbandonmentRate, 2L, 1L, 1L), (tile.AbandonmentRate, tile.CallbacksDialled, tile.CallbacksFailed, tile.Messages));
    }

    [Fact]
    public async Task CallsAndTimeline_AreListed_WhileTheCallRuns_AndAfterItEnds()
    {
        var sip = new InProcessSipStack();
        var media = new InProcessMediaFactory();
        await using var host = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISipStackFactory>(sip);
            services.AddSingleton<IMediaSessionFactory>(media);
            services.AddSingleton<TimeProvider>(new OfficeHoursClock());
        });
        var handler = await sip.Handler.WaitAsync(TimeSpan.FromSeconds(60));
        var session = new InProcessInviteSession("ops-api-1@test");

        handler.OnIncomingCall(session);
        await host.WaitForAsync(() => Task.FromResult(media.Sessions.Count == 1 && media.Sessions[0].Current == "en-US/welcome.wav"));
        var live = await GetAsync<List<CallSummary>>(host, "/api/calls");
        media.Sessions[0].FinishClip();
        await host.WaitForAsync(() => Task.FromResult(media.Sessions[0].Current == "en-US/language_english.wav"));
        media.Sessions[0].Press('1');
        await host.WaitForAsync(() => Task.FromResult(media.Sessions[0].Current == "en-US/main_menu.wav"));
        session.CallerHangsUp();
        await host.WaitForAsync(async () => (await GetAsync<List<CallSummary>>(host, "/api/calls")).Count == 0);
        var recent = await GetAsync<List<CallSummary>>(host, "/api/calls/recent");
        var view = await GetAsync<CallTimelineView>(host, "/api/calls/" + Uri.EscapeDataString(session.CallId));
        var missing = await host.Http.GetAsync(new Uri("/api/calls/nobody", UriKind.Relative));
        var m = await host.ScrapeAsync();

        var call = Assert.Single(live);
        Assert.Equal((session.CallId, "hotline", "in-flow", "welcome"), (call.CallId, call.Flow, call.State, call.Step));
        Assert.Equal((session.CallId, "caller-hangup"), (recent[0].CallId, recent[0].Outcome));
        Assert.Contains(view.Timeline, e => e is { Kind: "input", Step: "choose_language", Detail: "DTMF 1" });
        Assert.Contains(view.Timeline, e => e is { Kind: "step", Step: "main_menu", Detail: "menu" });
        Assert.Equal("ended: caller-hangup", view.Timeline[^1].Detail);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal((1.0, 1.0, 0.0), (m.Get("ivr_calls_started_total"), m.Get("""ivr_calls_ended_total{reason="caller-hangup"}"""), m.Get("ivr_calls_active")));
        Assert.Equal(1.0, m.Get("""ivr_flow_step_visits_total{flow="hotline",step="main_menu"}"""));
        Assert.Equal(0, m.Get("""ivr_actors_live{type="call"}"""));
        Assert.Equal(1, m.Get("""ivr_actors_live{type="call-manager"}"""));
    }

    [Fact]
    public async Task Drain_NeedsTheAdminToken_ThenReadyzSaysDraining_AndNewCallsGet503()
    {
        var sip = new InProcessSipStack();
        await using var host = await OpsHost.StartAsync(services =>
        {
            services.AddSingleton<ISipStackFactory>(sip);
            services.AddSingleton<IMediaSessionFactory>(new InProcessMediaFactory());
        });

        var none = await host.Http.PostAsync(new Uri("/api/drain", UriKind.Relative), null);
        var wrong = await PostAsync(host, "/api/drain", "not-the-token");
        var stillReady = await host.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var right = await PostAsync(host, "/api/drain", OpsHost.AdminToken);
        var ready = await host.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var handler = await sip.Handler.WaitAsync(TimeSpan.FromSeconds(60));
        var late = new InProcessInviteSession("after-drain@test");
        handler.OnIncomingCall(late);
        await host.WaitForAsync(() => Task.FromResult(late.RejectedWith is not null));
        var status = await StatusAsync(host);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none.StatusCode, wrong.StatusCode));
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, stillReady.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        Assert.True(JsonSerializer.Deserialize<DrainView>(await right.Content.ReadAsStringAsync(), Json)!.Draining);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "draining\n"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
        Assert.Equal(503, late.RejectedWith);
        Assert.Equal((true, false, 1L), (status.Node.Draining, status.Node.Ready, status.Calls.Rejected["503"]));
    }

    [Fact]
    public async Task AdminActions_AreRefused_WhenNoTokenIsConfigured()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs, new Dictionary<string, string?> { ["Ops:AdminToken"] = "" });

        var drain = await PostAsync(host, "/api/drain", "anything");
        var reload = await PostAsync(host, "/api/flows/reload", "anything");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (drain.StatusCode, reload.StatusCode));
        Assert.Contains("set Ops:AdminToken", await drain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flows_AreListedWithVersionsAndGraphs_AndReloadReportsWhatChanged()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs);

        var flows = await GetAsync<List<FlowView>>(host, "/api/flows");
        var detail = await GetAsync<FlowDetail>(host, "/api/flows/hotline");
        var svg = XDocument.Parse(await host.Http.GetStringAsync(new Uri("/api/flows/hotline/graph.svg", UriKind.Relative)));
        var mermaid = await host.Http.GetStringAsync(new Uri("/api/flows/hotline/graph.mmd", UriKind.Relative));
        var graph = await GetAsync<FlowGraphView>(host, "/api/flows/hotline/graph.json");
        var unknownGraph = await host.Http.GetAsync(new Uri("/api/flows/nope/graph.json", UriKind.Relative));
        var unknown = await host.Http.GetAsync(new Uri("/api/flows/nope/graph.svg", UriKind.Relative));
        var reload = await PostAsync(host, "/api/flows/reload", OpsHost.AdminToken);
        var report = JsonSerializer.Deserialize<ReloadView>(await reload.Content.ReadAsStringAsync(), Json)!;

        Assert.Equal(["account-lookup", "collect-account", "demo", "hotline", "survey-demo"], flows.Select(f => f.Id));
        var hotline = flows.Single(f => f.Id == "hotline");
        Assert.Equal(("hotline.json", "welcome"), (hotline.File, hotline.Start));
        Assert.Equal(hotline.Version, Assert.Single(hotline.Versions).Version);
        Assert.Equal(hotline.Steps, detail.Steps.Count);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var boxes = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "step").Select(g => (string)g.Attribute("data-step")!).ToList();
        Assert.Equal(detail.Steps.Select(s => s.Name).Order(StringComparer.Ordinal), boxes.Order(StringComparer.Ordinal));
        Assert.StartsWith("flowchart TD", mermaid, StringComparison.Ordinal);
        Assert.Equal(("hotline", "welcome"), (graph.Id, graph.Start));
        Assert.Equal(detail.Steps.Select(s => (s.Name, s.Kind)), graph.Steps.Select(s => (s.Name, s.Kind)));
        var names = graph.Steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        Assert.True(graph.Edges.Count >= graph.Steps.Count - 1, "every step but the start is reached by an edge");
        Assert.All(graph.Edges, e => Assert.True(names.Contains(e.From) && names.Contains(e.To) && e.Label.Length > 0, e.ToString()));
        Assert.Contains(new FlowGraphEdge("main_menu", "connect_sales", "3/sales"), graph.Edges);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownGraph.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Empty(report.Refused);
        Assert.Empty(report.Removed);
    }

    [Fact]
    public async Task Dashboard_IsServedFromTheEngine_WithItsOwnAssetsOnly()
    {
        await using var host = await OpsHost.StartAsync(OpsHost.InProcessPlugs);

        var page = await host.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        var script = await host.Http.GetAsync(new Uri("/dashboard/dashboard.js", UriKind.Relative));
        var missing = await host.Http.GetAsync(new Uri("/dashboard/nope.js", UriKind.Relative));
        var layout = await host.Http.GetStringAsync(new Uri("/dashboard/dagre.min.js", UriKind.Relative));

        Assert.Contains("<script src=\"/dashboard/dashboard.js\"></script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(["dagre.min.js", "dashboard.css", "dashboard.js", "index.html"], OpsEndpoints.Assets().Order(StringComparer.Ordinal));
        // The bundled layout engine (npm @dagrejs/dagre, MIT) is served with its licence notice.
        Assert.Contains("<script src=\"/dashboard/dagre.min.js\"></script>", page, StringComparison.Ordinal);
        Assert.StartsWith("/* @dagrejs/dagre ", layout, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2012-2014 Chris Pettitt", layout, StringComparison.Ordinal);
        Assert.Contains("Permission is hereby granted, free of charge", layout, StringComparison.Ordinal);
    }

    private static async Task<StatusReport> StatusAsync(OpsHost host) => await GetAsync<StatusReport>(host, "/api/status");

    private static async Task<T> GetAsync<T>(OpsHost host, string path) =>
        JsonSerializer.Deserialize<T>(await host.Http.GetStringAsync(new Uri(path, UriKind.Relative)), Json)!;

    private static async Task<HttpResponseMessage> PostAsync(OpsHost host, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Http.SendAsync(request);
    }

}
