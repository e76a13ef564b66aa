namespace Ivr.Engine.Calls.Legs;

/// <summary>What a leg reports, on SIP and media threads: implementations post to their actor and return at once.</summary>
public interface ILegListener
{
    /// <summary>A key was pressed (RFC 4733 event), once per press.</summary>
    void DigitReceived(char digit);

    /// <summary>Play number <paramref name="play"/> ended after its last clip (<see cref="ILeg.Play"/>).</summary>
    void PlaybackFinished(int play);

    /// <summary>The far end hung up (BYE received and answered).</summary>
    void HungUp();

    /// <summary>The caller cancelled before the answer (inbound legs only; the stack answered 487).</summary>
    void Cancelled();
}
