using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Calls;

/// <summary>A new INVITE from the SIP stack; the manager answers or rejects it.</summary>
/// <param name="Session">The incoming call.</param>
public sealed record IncomingCall(IInviteSession Session);

/// <summary>Asks the manager for its call counts; answered with <see cref="LiveCallsResult"/>.</summary>
public sealed record GetLiveCalls
{
    /// <summary>The shared instance.</summary>
    public static GetLiveCalls Instance { get; } = new();
}

/// <summary>The manager's call counts.</summary>
/// <param name="Live">Call actors alive now.</param>
/// <param name="Started">Calls admitted since start.</param>
/// <param name="Failed">Calls ended by a fault in their actor.</param>
/// <param name="Rejected">INVITEs rejected (404, 480, 488, 503, 500).</param>
/// <param name="Draining">True once a drain has begun.</param>
public sealed record LiveCallsResult(int Live, long Started, long Failed, long Rejected, bool Draining);

/// <summary>Stops taking calls (new INVITEs get 503) and answers <see cref="DrainCompleted"/> when the live calls have ended.</summary>
/// <param name="Timeout">How long to wait before hanging up the calls left; null uses <see cref="CallManagerSettings.DrainTimeout"/>.</param>
public sealed record Drain(TimeSpan? Timeout = null);

/// <summary>The drain is over.</summary>
/// <param name="Remaining">Calls still alive (0 unless the timeout and its grace period expired).</param>
/// <param name="TimedOut">True when calls had to be hung up.</param>
public sealed record DrainCompleted(int Remaining, bool TimedOut);

internal sealed record DrainTimedOut
{
    public static DrainTimedOut Instance { get; } = new();
}

/// <summary>Look again whether the callback calls still on the board have ended (a drain waits for them too).</summary>
internal sealed record DrainCheck
{
    public static DrainCheck Instance { get; } = new();
}

internal sealed record DrainGraceEnded
{
    public static DrainGraceEnded Instance { get; } = new();
}

/// <summary>A channel from Asterisk asks for a flow over FastAGI; the manager runs it or hands the channel back.</summary>
/// <param name="Session">The FastAGI session (environment read).</param>
/// <param name="Sounds">Where the call's prompts are written for Asterisk.</param>
/// <param name="Metrics">The FastAGI counters.</param>
/// <param name="DigitPoll">How long each <c>WAIT FOR DIGIT</c> between commands waits.</param>
public sealed record AgiCallArrived(Asterisk.AgiSession Session, Asterisk.AgiSoundFiles Sounds, Asterisk.AgiMetrics Metrics, TimeSpan DigitPoll)
{
    /// <summary>Speech on Asterisk channels: the ARI client and where Asterisk sends the caller's audio (null: keys only).</summary>
    public Legs.AgiSpeechRoute? Speech { get; init; }
}
