namespace Ivr.Engine.Media;

/// <summary>
/// One packet of an outgoing RFC 4733 event: when to send it (offset from the event start), its marker bit,
/// its RTP timestamp (the event start, shared by every packet of the event) and the event block.
/// </summary>
public readonly record struct DtmfPacket(TimeSpan Offset, bool Marker, uint Timestamp, TelephoneEvent Event);
