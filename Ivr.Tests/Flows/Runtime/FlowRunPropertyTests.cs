using FsCheck.Xunit;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Ivr.Tests.Flows.Runtime;

public class FlowRunPropertyTests
{
    private const int DrainBound = 500;

    private static readonly string[] Phrases =
        ["english", "Français", "billing", "FACTURATION", "support", "aide", "sales", "ventes", "repeat", "", "mumble"];

    private static readonly CompiledFlow Pin = FlowCompiler.Compile(TestFlows.PinSubflow());

    private static readonly CompiledFlow[] Flows =
    [
        FlowCompiler.Compile(TestFlows.Hotline()),
        FlowCompiler.Compile(TestFlows.EveryKind(), id => id == "pin" ? Pin : null),
        FlowCompiler.Compile(TestFlows.WithSubflow(), id => id == "pin" ? Pin : null),
        FlowCompiler.Compile(TestFlows.Loop()),
    ];

    [Property(MaxTest = 500)]
    public void RandomEvents_NeverThrow_AndDrainingWithTimersAndPromptEndsTheRun(byte[]? script, byte flowPick, ushort minuteOfWeek)
    {
        script ??= [];
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).AddMinutes(minuteOfWeek % 10080));
        var host = new RecordingHost();
        var run = Flows[flowPick % Flows.Length].CreateRun(host, new CallInfo("p", "+15550100", "Bob", "100"), time);
        run.Start();

        for (var i = 0; i + 1 < script.Length; i += 2) Feed(run, host, script[i], script[i + 1]);

        for (var n = 0; n < DrainBound && !run.IsEnded; n++)
        {
            switch (run.Waiting)
            {
                case FlowWait.Prompt: run.PromptFinished(); break;
                case FlowWait.Input:
                    Assert.True(run.ActiveTimer.HasValue, $"waiting for input at {run.CurrentStep} with no timer armed");
                    Expire(run, host, run.ActiveTimer!.Value);
                    break;
                case FlowWait.Queue: run.QueueResult(QueueOutcome.Failed); break;
                case FlowWait.Transfer: run.TransferResult(false); break;
                case FlowWait.Recording: run.RecordingFinished("m.wav", 3); break;
                case FlowWait.Callback: run.CallbackResult(false, null); break;
                case FlowWait.NotStarted: run.Start(); break;
            }
        }

        Assert.True(run.IsEnded, $"not ended after draining; at {run.CurrentFlow}/{run.CurrentStep} waiting {run.Waiting}");
        Assert.Single(host.Of<EndedEffect>());
        Assert.IsType<EndedEffect>(host.Effects[^1]);
        Assert.Equal(run.Outcome, host.Outcome);
        AssertMediaAndTimersArePaired(host.Effects);
    }

    /// <summary>At most one timer is armed and only it is cancelled; playback and listening are stopped only when active.</summary>
    private static void AssertMediaAndTimersArePaired(IReadOnlyList<FlowEffect> effects)
    {
        int? armed = null;
        var lastToken = 0;
        var playing = false;
        var listening = false;
        foreach (var e in effects)
        {
            switch (e)
            {
                case StartTimerEffect s:
                    Assert.Null(armed);
                    Assert.True(s.Token > lastToken);
                    armed = lastToken = s.Token;
                    break;
                case TimerFired f:
                    Assert.Equal(armed, f.Token);
                    armed = null;
                    break;
                case CancelTimerEffect c:
                    Assert.Equal(armed, c.Token);
                    armed = null;
                    break;
                case PlayEffect p:
                    Assert.NotEmpty(p.Prompts);
                    playing = true;
                    break;
                case StopPlaybackEffect:
                    Assert.True(playing);
                    playing = false;
                    break;
                case ListenEffect:
                    listening = true;
                    break;
                case StopListeningEffect:
                    Assert.True(listening);
                    listening = false;
                    break;
            }
        }
    }

    /// <summary>Marks in the effect log that the armed timer fired, so the pairing check knows it is no longer armed.</summary>
    private static void Expire(FlowRun run, RecordingHost host, int token)
    {
        if (!run.IsEnded && run.ActiveTimer == token) host.Effects.Add(new TimerFired(token));
        run.TimerExpired(token);
    }

    private static void Feed(FlowRun run, RecordingHost host, byte kind, byte arg)
    {
        switch (kind % 13)
        {
            case 0 or 10: run.PromptFinished(); break;
            case 1: run.Digit("0123456789*#AxB"[arg % 15]); break;
            case 2: run.Heard(Phrases[arg % Phrases.Length], arg / 255.0); break;
            case 3 or 11: Expire(run, host, arg % 2 == 0 && run.ActiveTimer is { } t ? t : arg - 128); break;
            case 4: run.QueueResult((QueueOutcome)(arg % 4)); break;
            case 5: run.TransferResult(arg % 2 == 0); break;
            case 6: run.RecordingFinished("r.wav", arg); break;
            case 7: run.CallbackResult(arg % 2 == 0, arg % 3 == 0 ? null : "0612345678"); break;
            case 8: if (arg < 4) run.Hangup(); break;
            case 9: run.Start(); break;
            case 12: run.Digit((char)('0' + (arg % 10))); break;
        }
    }

    private sealed record TimerFired(int Token) : FlowEffect;
}
