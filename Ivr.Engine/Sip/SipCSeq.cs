using System.Globalization;

namespace Ivr.Engine.Sip;

/// <summary>The CSeq header value: sequence number and method (RFC 3261 §20.16).</summary>
/// <param name="Number">Sequence number; RFC 3261 §8.1.1.5 requires it to fit in 32 bits.</param>
/// <param name="Method">Method, case-sensitive.</param>
public readonly record struct SipCSeq(uint Number, string Method)
{
    /// <summary>Parses <c>1*DIGIT LWS Method</c>; numbers over 2^32-1 are rejected (RFC 4475 §3.1.2.4 scalar02).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out SipCSeq value)
    {
        value = default;
        var s = SipSyntax.TrimWs(text);
        var i = 0;
        while (i < s.Length && SipSyntax.IsDigit(s[i])) i++;
        if (i == 0 || i >= s.Length || !SipSyntax.IsWs(s[i])) return false;
        if (!uint.TryParse(s[..i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        var method = SipSyntax.TrimWs(s[i..]);
        if (!SipSyntax.IsToken(method)) return false;
        value = new SipCSeq(n, method.ToString());
        return true;
    }

    /// <summary>Formats as <c>number METHOD</c>.</summary>
    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
