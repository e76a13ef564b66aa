using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>The optional ring phase before the answer (<see cref="CallServices.RingFor"/>).</summary>
public sealed partial class CallActor
{
    private const string RingTimer = "ring";

    // RFC 3261 §13.3.1.1: a UAS that does not answer at once tells the caller so with a provisional response; 180 carries
    // the To tag of the dialog to come (the session adds it, and Contact). CANCEL or BYE while ringing end the call
    // unanswered (the stack sends 487), Timers.CancelAll in Finish drops the ring timer.
    private void RingOrAnswer()
    {
        var ringFor = _services.RingFor;
        if (ringFor <= TimeSpan.Zero)
        {
            Answer();
            return;
        }

        _session.SendProvisional(180);
        _log.LogDebug("Call {CallId} rings for {RingFor} before the answer", _setup.Call.CallId, ringFor);
        Timers.StartSingleTimer(RingTimer, RingElapsed.Instance, ringFor);
    }

    private void Answer()
    {
        if (_cancelled || _finished) return;
        AnswerAsync(_answerCancel.Token).PipeTo(Self, success: acked => new CallAnswered(acked), failure: ex => new AnswerFailed(ex));
    }
}
