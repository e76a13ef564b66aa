using System.Text;

namespace Ivr.Tests.Sip;

internal static class SipTestMessages
{
    public const string Sdp =
        "v=0\r\no=ivr 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

    /// <summary>A typical softphone INVITE with an SDP offer.</summary>
    public static string Invite(string? body = Sdp, string? contentLength = null) =>
        "INVITE sip:ivr@192.0.2.1:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: \"IVR\" <sip:ivr@192.0.2.1>\r\n" +
        "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5062;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY\r\n" +
        "Supported: replaces, timer\r\n" +
        "User-Agent: TestPhone/1.0\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: " + (contentLength ?? Encoding.UTF8.GetByteCount(body ?? "").ToString(System.Globalization.CultureInfo.InvariantCulture)) + "\r\n" +
        "\r\n" + body;

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static string Options(params string[] extraHeaders) =>
        "OPTIONS sip:ivr@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKabc\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:ivr@example.com>\r\n" +
        "From: <sip:a@example.com>;tag=1\r\n" +
        "Call-ID: opt1@example.com\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        string.Concat(extraHeaders.Select(h => h + "\r\n")) +
        "Content-Length: 0\r\n\r\n";
}
