using System.Text;
using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Demo;

/// <summary>
/// The demo's answering phones on one SIP port: agents (the Request-URI user is an agent id) ring briefly, answer, talk
/// and hang up after a while; callback customers (a digits-only user: the engine's callback trunk puts the number there)
/// answer after a few rings — or, now and then, not at all, so the engine's retry shows — and stay until the engine or
/// the agent hangs up. Real SIP (180, 200 with SDP, ACK, BYE) and real RTP both ways.
/// </summary>
internal sealed class DemoPhones(DemoOptions options, IMediaSessionFactory media, DemoRoster roster, DemoRandom random, DemoStats stats, ILogger log, CancellationToken stopping)
    : IIncomingCallHandler
{
    private static readonly TimeSpan LongestCustomerCall = TimeSpan.FromMinutes(5);
    private readonly AudioClip _agentVoice = DemoVoice.Create(6, 190, "demo-agent");
    private readonly AudioClip _customerVoice = DemoVoice.Create(6, 125, "demo-customer");

    /// <inheritdoc />
    public void OnIncomingCall(IInviteSession session) => _ = AnswerAsync(session);

    private async Task AnswerAsync(IInviteSession session)
    {
        var user = session.Invite.RequestUri.UserUnescaped ?? string.Empty;
        var isCustomer = user.Length > 0 && user.All(char.IsAsciiDigit);
        if (!SdpSession.TryParse(Encoding.UTF8.GetString(session.Invite.Body.Span), out var offer, out _))
        {
            session.Reject(488);
            return;
        }

        IMediaReservation? reservation = null;
        IMediaSession? call = null;
        try
        {
            reservation = media.Reserve();
            var answer = SdpNegotiator.Answer(offer, reservation.LocalEndPoint.Address, reservation.LocalEndPoint.Port);
            if (!answer.IsSuccess)
            {
                session.Reject(answer.StatusCode);
                return;
            }

            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            session.Cancelled += () => cancelled.TrySetResult();
            session.RemoteHangup += () => hungUp.TrySetResult();
            session.SendProvisional(180);

            if (isCustomer && random.Chance(options.NoAnswerShare))
            {
                // Let it ring out: the engine CANCELs after its ring timeout and retries later.
                stats.CallbackNotAnswered();
                await Task.WhenAny(cancelled.Task, Task.Delay(TimeSpan.FromMinutes(2), stopping)).ConfigureAwait(false);
                if (!cancelled.Task.IsCompleted) session.Reject(480);
                return;
            }

            var ring = isCustomer ? random.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)) : random.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            if (await Task.WhenAny(cancelled.Task, Task.Delay(ring, stopping)).ConfigureAwait(false) == cancelled.Task) return;

            call = reservation.Open(answer.Media!);
            reservation = null;
            if (!await session.AcceptAsync(answer.Answer!.ToString(), stopping).ConfigureAwait(false)) return;
            await call.StartAsync(stopping).ConfigureAwait(false);
            var voice = isCustomer ? _customerVoice : _agentVoice;
            var playing = call;
            call.PlaybackFinished += _ => playing.Play(voice);
            call.Play(voice);

            TimeSpan stay;
            if (isCustomer)
            {
                stats.CallbackAnswered();
                stay = LongestCustomerCall;
            }
            else
            {
                roster.AgentAnswered(session.Invite.From?.DisplayName);
                stats.AgentAnswered();
                stay = random.Exponential(options.MeanTalk, TimeSpan.FromSeconds(8));
            }

            await Task.WhenAny(hungUp.Task, Task.Delay(stay, stopping)).ConfigureAwait(false);
            if (!hungUp.Task.IsCompleted) await session.HangupAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            if (session.IsAnswered) await session.HangupAsync(CancellationToken.None).ConfigureAwait(false);
            else session.Reject(480);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Demo phone {User}: call {CallId} failed", user, session.CallId);
            if (!session.IsAnswered) session.Reject(500);
        }
        finally
        {
            reservation?.Dispose();
            if (call is not null)
            {
                call.Close();
                await call.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
