namespace Ivr.Engine.Asterisk;

/// <summary>Takes a FastAGI session whose environment was read; from then on it owns the session (and disposes it).</summary>
public interface IAgiSessionHandler
{
    /// <summary>Hands <paramref name="session"/> over; returns at once.</summary>
    void Accept(AgiSession session);
}
