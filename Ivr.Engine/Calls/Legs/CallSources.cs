namespace Ivr.Engine.Calls.Legs;

/// <summary>Where a caller's call came in: the <c>source</c> of a call on the board and in <c>/api/calls</c>.</summary>
public static class CallSources
{
    /// <summary>A SIP INVITE to the engine's own stack.</summary>
    public const string Sip = "sip";

    /// <summary>An Asterisk channel running a flow over FastAGI.</summary>
    public const string Asterisk = "asterisk";
}
