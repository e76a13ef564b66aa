using Ivr.Flows.Catalog;
using Ivr.Flows.Diagnostics;
using Ivr.Flows.Runtime;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Flows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Flows.Catalog;

public sealed class FlowCatalogTests : IDisposable
{
    private const string WelcomeV1 = "Thank you for calling Acme Energy.";
    private const string WelcomeV2 = "Welcome to Acme Energy, version two.";
    private const string SupportV1 = "Please hold while we connect you to our technical support team.";
    private const string SupportV2 = "One moment: our technicians are on their way.";

    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1));

    private readonly CatalogFolder _folder = new();
    private readonly FakeTimeProvider _time = new(MondayMorning);
    private readonly FlowCatalog _catalog;

    public FlowCatalogTests() => _catalog = new FlowCatalog(_folder.Path, RepoPaths.Sounds, _time);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Reload_FolderOfSampleFlows_AddsEveryFlowAndSkipsScenarioFiles()
    {
        var report = _catalog.Reload();

        Assert.Equal(["account-lookup", "collect-account", "demo", "hotline", "survey-demo"], report.Added);
        Assert.Empty(report.Refused);
        Assert.True(_catalog.TryGet("hotline", out var hotline));
        Assert.Equal("1.0.0", hotline.Version);
        Assert.Equal(1, _catalog.Current.Generation);
        Assert.DoesNotContain(_catalog.Current.Flows.Values, e => e.File.EndsWith(".tests.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Reload_UnchangedFiles_KeepTheSameCompiledFlow()
    {
        _catalog.Reload();
        _catalog.TryGet("hotline", out var before);

        var report = _catalog.Reload();

        _catalog.TryGet("hotline", out var after);
        Assert.Same(before, after);
        Assert.Empty(report.Added);
        Assert.Empty(report.Updated);
        Assert.Empty(report.Removed);
        Assert.Empty(report.Refused);
        Assert.Equal(2, _catalog.Current.Generation);
    }

    [Fact]
    public void Reload_NewVersion_SwapsIn_WhileARunStartedOnV1KeepsV1ToItsEnd()
    {
        _catalog.Reload();
        _catalog.TryGet("collect-account", out var subflowBefore);
        Assert.True(_catalog.TryGet("hotline", out var v1));
        var (oldRun, oldHost) = Start(v1);
        oldRun.PromptFinished();
        oldRun.Digit('1');
        Assert.Equal("main_menu", oldRun.CurrentStep);

        _folder.Edit("hotline.json", "\"version\": \"1.0.0\"", "\"version\": \"2.0.0\"");
        _folder.Edit("hotline.json", WelcomeV1, WelcomeV2);
        _folder.Edit("hotline.json", SupportV1, SupportV2);
        var report = _catalog.Reload();

        Assert.Equal(["hotline"], report.Updated);
        Assert.Empty(report.Refused);
        Assert.True(_catalog.TryGet("hotline", out var v2));
        Assert.Equal("2.0.0", v2.Version);
        _catalog.TryGet("collect-account", out var subflowAfter);
        Assert.Same(subflowBefore, subflowAfter);
        var (newRun, newHost) = Start(v2);
        Assert.Equal(WelcomeV2, newHost.LastPlayed);

        oldRun.Digit('2');
        Assert.Equal(SupportV1, oldHost.LastPlayed);
        oldRun.PromptFinished();
        oldRun.QueueResult(QueueOutcome.Connected);
        Assert.Equal("connected:support", oldHost.Outcome?.Code);
        Assert.DoesNotContain(oldHost.Of<PlayEffect>(), p => p.Prompts.Any(x => x.Text == WelcomeV2 || x.Text == SupportV2));
        Assert.False(newRun.IsEnded);
    }

    [Fact]
    public void Reload_InvalidVersion_IsRefusedWithDiagnostics_AndTheOldVersionStaysLive_UntilFixed()
    {
        _catalog.Reload();
        _catalog.TryGet("hotline", out var v1);

        _folder.Edit("hotline.json", "\"next\": \"choose_language\"", "\"next\": \"choose_langage\"");
        var refused = _catalog.Reload();

        var refusal = Assert.Single(refused.Refused);
        Assert.Equal(("hotline", _folder.File("hotline.json")), (refusal.FlowId, refusal.File));
        var d = Assert.Single(refusal.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal((DiagnosticCodes.UnknownTarget, "/steps/welcome/next"), (d.Code, d.Pointer));
        Assert.Contains("choose_language", d.Hint);
        Assert.Empty(refused.Updated);
        Assert.True(_catalog.TryGet("hotline", out var live));
        Assert.Same(v1, live);

        _folder.Edit("hotline.json", "\"next\": \"choose_langage\"", "\"next\": \"choose_language\"");
        _folder.Edit("hotline.json", WelcomeV1, WelcomeV2);
        var fixedReport = _catalog.Reload();

        Assert.Equal(["hotline"], fixedReport.Updated);
        Assert.Empty(fixedReport.Refused);
        _catalog.TryGet("hotline", out var v2);
        Assert.NotSame(v1, v2);
        Assert.Equal(WelcomeV2, Start(v2).Host.LastPlayed);
    }

    [Fact]
    public void Reload_NotJson_IsRefused_AndTheOldVersionStaysLive()
    {
        _catalog.Reload();
        _catalog.TryGet("hotline", out var v1);
        File.WriteAllText(_folder.File("hotline.json"), "{ \"id\": \"hotline\", ");

        var report = _catalog.Reload();

        var refusal = Assert.Single(report.Refused);
        Assert.Null(refusal.FlowId);
        Assert.Contains(refusal.Diagnostics, d => d.Code == DiagnosticCodes.InvalidJson);
        Assert.True(_catalog.TryGet("hotline", out var live));
        Assert.Same(v1, live);
    }

    [Fact]
    public void Reload_DeletedFile_RemovesTheFlow()
    {
        _catalog.Reload();
        File.Move(_folder.File("hotline.json"), _folder.File("hotline.json.bak"));

        var report = _catalog.Reload();

        Assert.Equal(["hotline"], report.Removed);
        Assert.False(_catalog.TryGet("hotline", out _));
        Assert.True(_catalog.TryGet("collect-account", out _));
    }

    [Fact]
    public void Reload_ChangedSubflow_RebuildsItsParent_AndRunningCallsKeepTheOldSubflow()
    {
        _catalog.Reload();
        _catalog.TryGet("hotline", out var parentV1);
        var (oldRun, oldHost) = Start(parentV1);

        _folder.Edit("collect-account.json", "Please type your 8-digit customer account number", "Type your account number");
        var report = _catalog.Reload();

        Assert.Equal(["collect-account", "hotline"], report.Updated);
        _catalog.TryGet("hotline", out var parentV2);
        var (newRun, newHost) = Start(parentV2);
        foreach (var run in new[] { oldRun, newRun })
        {
            run.PromptFinished();
            run.Digit('1');
            run.Digit('1');
        }
        Assert.StartsWith("Please type your 8-digit", oldHost.LastPlayed, StringComparison.Ordinal);
        Assert.StartsWith("Type your account number", newHost.LastPlayed, StringComparison.Ordinal);
    }

    private (FlowRun Run, RecordingHost Host) Start(CompiledFlow flow)
    {
        var host = new RecordingHost();
        var run = flow.CreateRun(host, new CallInfo("c1", "+33123456789"), _time);
        run.Start();
        return (run, host);
    }
}
