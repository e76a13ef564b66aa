using System.Buffers.Binary;

namespace Ivr.Engine.Media;

/// <summary>
/// One RFC 4733 §2.3 telephone-event payload block: event code, E (end) bit, volume (dBm0 below 0, 0-63) and
/// duration in timestamp units of the event's clock.
/// </summary>
public readonly record struct TelephoneEvent(byte Event, bool End, byte Volume, ushort Duration)
{
    /// <summary>Size of one event block (RFC 4733 §2.3).</summary>
    public const int Size = 4;

    private const string Digits = "0123456789*#ABCD";

    /// <summary>Parses the first event block of a payload; false when shorter than 4 bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out TelephoneEvent result)
    {
        if (payload.Length < Size)
        {
            result = default;
            return false;
        }

        result = new TelephoneEvent(
            payload[0],
            (payload[1] & 0x80) != 0,
            (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    /// <summary>Writes the 4-byte block (R bit zero, RFC 4733 §2.3.4); returns 4.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("Destination is shorter than a telephone-event block.", nameof(destination));
        }

        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
        return Size;
    }

    /// <summary>The DTMF character of this event (RFC 4733 §3.2: 0-9, 10 = *, 11 = #, 12-15 = A-D), or false.</summary>
    public bool TryGetDigit(out char digit) => TryGetDigit(Event, out digit);

    /// <summary>Maps an event code to its DTMF character (RFC 4733 §3.2 Table 7).</summary>
    public static bool TryGetDigit(int eventCode, out char digit)
    {
        if ((uint)eventCode < Digits.Length)
        {
            digit = Digits[eventCode];
            return true;
        }

        digit = '\0';
        return false;
    }

    /// <summary>Maps a DTMF character (case-insensitive for A-D) to its event code (RFC 4733 §3.2 Table 7).</summary>
    public static bool TryGetEventCode(char digit, out byte eventCode)
    {
        var index = Digits.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        eventCode = (byte)Math.Max(index, 0);
        return index >= 0;
    }
}
