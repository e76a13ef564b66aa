namespace Ivr.Engine.Media;

/// <summary>A stream that sends on the shared <see cref="MediaPacer"/> clock instead of owning a timer.</summary>
public interface IPacedSender
{
    /// <summary>
    /// Called on the pacing thread once per tick with the tick's scheduled time (a <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp): sends every packet due at or before it and reports each through <see cref="MediaPacer.RecordSend(long)"/>.
    /// Must not block or allocate.
    /// </summary>
    void OnTick(MediaPacer pacer, long scheduled);
}
