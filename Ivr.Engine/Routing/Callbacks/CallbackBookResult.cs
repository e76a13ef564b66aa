namespace Ivr.Engine.Routing.Callbacks;

/// <summary>The stored callback for a booking, and whether this call created it (false: the key was already booked).</summary>
/// <param name="Record">The callback as stored.</param>
/// <param name="Created">True if this booking inserted it; false if an earlier booking with the same key did.</param>
public sealed record CallbackBookResult(CallbackRecord Record, bool Created);
