using Ivr.Engine.Sip;

namespace Ivr.Engine.Cli;

/// <summary>What the <c>dial</c> test caller does.</summary>
/// <param name="Target">The URI to call.</param>
/// <param name="Digits">DTMF keys to send, one per <paramref name="DigitInterval"/> after the answer.</param>
/// <param name="DigitInterval">Time between the answer and the first key, and between keys.</param>
/// <param name="HangupAfter">When to send BYE, counted from the answer.</param>
/// <param name="FromUser">The From user part (the caller's number as the engine sees it).</param>
/// <param name="FromDisplayName">The From display name, or null.</param>
/// <param name="RingTimeout">CANCEL when no final answer comes within this.</param>
public sealed record DialPlan(
    SipUri Target,
    IReadOnlyList<char> Digits,
    TimeSpan DigitInterval,
    TimeSpan HangupAfter,
    string FromUser,
    string? FromDisplayName,
    TimeSpan RingTimeout);
