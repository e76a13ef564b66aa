using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Media;
using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Demo;

/// <summary>
/// One simulated caller: dials the demo number over real SIP, presses a menu key (RFC 4733), then waits in the queue.
/// Each caller is drawn with a patience (exponential) and an intent: hang up when patience runs out, take the callback
/// offer (key 1, then 1 to confirm the number) or leave a message (key 2, talk, #) once they have waited a while. A caller
/// an agent answered for stays until the call ends. Keys follow <c>flows/demo.json</c>.
/// </summary>
internal sealed class DemoCaller(DemoOptions options, ISipUserAgent userAgent, IMediaSessionFactory media, DemoRoster roster, DemoRandom random, DemoStats stats, TimeProvider time, ILogger log)
{
    private static readonly TimeSpan LongestCall = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly AudioClip Voice = DemoVoice.Create(5, 160, "demo-caller");

    private enum Intent
    {
        Wait,
        Callback,
        Message,
    }

    /// <summary>Places the call to <paramref name="target"/> and plays the caller's part until the call ends or <paramref name="stopping"/>.</summary>
    public async Task RunAsync(SipUri target, CancellationToken stopping)
    {
        var number = random.MobileNumber();
        var choice = Choose(random.Next());
        var patience = random.Exponential(options.MeanPatience, TimeSpan.FromSeconds(10));
        var draw = random.Next();
        var intent = draw < options.CallbackShare ? Intent.Callback : draw < options.CallbackShare + options.MessageShare ? Intent.Message : Intent.Wait;
        // The demo flow offers a callback or a message once a caller has waited 25 s.
        var actAfter = random.Between(TimeSpan.FromSeconds(27), TimeSpan.FromSeconds(40));
        stats.CallerStarted();

        using var reservation = media.Reserve();
        var offer = SdpNegotiator.CreateOffer(reservation.LocalEndPoint.Address, reservation.LocalEndPoint.Port);
        var call = await userAgent.InviteAsync(target, number, "Demo caller", offer.ToString(), TimeSpan.FromSeconds(30), stopping).ConfigureAwait(false);
        if (call.Status != OutboundCallStatus.Answered
            || !SdpSession.TryParse(call.SdpAnswer, out var answer, out _)
            || SdpNegotiator.ProcessAnswer(offer, answer) is not { IsSuccess: true } negotiated)
        {
            stats.CallerRefused();
            log.LogDebug("Demo caller {Number}: {Status} {Code}", number, call.Status, call.StatusCode);
            if (call.Status == OutboundCallStatus.Answered) await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
            return;
        }

        stats.CallerAnswered();
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        call.RemoteHangup += () => hungUp.TrySetResult();
        var session = reservation.Open(negotiated.Media!);
        try
        {
            await session.StartAsync(stopping).ConfigureAwait(false);
            var started = time.GetTimestamp();
            TimeSpan Elapsed() => time.GetElapsedTime(started);

            // Welcome, then the main menu: its prompt can be interrupted by a key.
            if (!await WaitAsync(hungUp.Task, TimeSpan.FromSeconds(4), stopping).ConfigureAwait(false)) return;
            session.SendDtmf(choice);
            var queuedAt = Elapsed();

            var acted = false;
            while (!hungUp.Task.IsCompleted && Elapsed() < LongestCall)
            {
                var waited = Elapsed() - queuedAt;
                var talking = roster.IsTalking(number);
                if (!talking && !acted && intent != Intent.Wait && waited >= actAfter)
                {
                    acted = true;
                    if (intent == Intent.Callback)
                    {
                        stats.CallerTookCallback();
                        session.SendDtmf('1');
                        // "We will call you back on the number you are calling from: press 1 to confirm."
                        if (!await WaitAsync(hungUp.Task, TimeSpan.FromSeconds(4), stopping).ConfigureAwait(false)) return;
                        session.SendDtmf('1');
                    }
                    else
                    {
                        stats.CallerLeftMessage();
                        session.SendDtmf('2');
                        if (!await WaitAsync(hungUp.Task, TimeSpan.FromSeconds(7), stopping).ConfigureAwait(false)) return;
                        session.Play(Voice);
                        if (!await WaitAsync(hungUp.Task, Voice.Duration + TimeSpan.FromSeconds(0.5), stopping).ConfigureAwait(false)) return;
                        session.SendDtmf('#');
                    }
                    continue;
                }

                if (!talking && !acted && waited >= patience)
                {
                    stats.CallerAbandoned();
                    log.LogDebug("Demo caller {Number} hangs up after waiting {Waited:0} s", number, waited.TotalSeconds);
                    await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                if (!await WaitAsync(hungUp.Task, Tick, stopping).ConfigureAwait(false)) return;
            }

            if (!hungUp.Task.IsCompleted) await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            if (!hungUp.Task.IsCompleted) await call.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            roster.Forget(number);
            session.Close();
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Billing 45 %, technical support 35 %, sales 20 % (keys of the demo flow's main menu).
    private static char Choose(double u) => u < 0.45 ? '1' : u < 0.8 ? '2' : '3';

    // False when the call ended (or the demo stops) before the delay ran out.
    private static async Task<bool> WaitAsync(Task hungUp, TimeSpan delay, CancellationToken stopping)
    {
        await Task.WhenAny(hungUp, Task.Delay(delay, stopping)).ConfigureAwait(false);
        stopping.ThrowIfCancellationRequested();
        return !hungUp.IsCompleted;
    }
}
