using System.Globalization;
using Ivr.Engine.Sip;

namespace Ivr.Tests.Sip.Registrar;

/// <summary>REGISTER requests as a softphone at 192.0.2.20 sends them, parsed by the engine's parser.</summary>
internal static class RegisterRequests
{
    public const string RequestUri = "sip:127.0.0.1";

    public static string Text(string user, string callId = "reg-1@192.0.2.20", long cseq = 1, string? contact = null,
        string? expires = null, string? authorization = null, string? to = null, string branch = "z9hG4bKreg1") =>
        $"REGISTER {RequestUri} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 192.0.2.20:5062;branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:{user}@127.0.0.1>;tag=f{cseq.ToString(CultureInfo.InvariantCulture)}\r\n" +
        $"To: {to ?? $"<sip:{user}@127.0.0.1>"}\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
        (contact is null ? "" : $"Contact: {contact}\r\n") +
        (expires is null ? "" : $"Expires: {expires}\r\n") +
        (authorization is null ? "" : $"Authorization: {authorization}\r\n") +
        "User-Agent: TestPhone/2.0\r\n" +
        "Content-Length: 0\r\n\r\n";

    public static SipRequest Parse(string text)
    {
        Assert.True(SipParser.Default.TryParse(SipTestMessages.Bytes(text), out var message, out var error), error.Detail);
        return Assert.IsType<SipRequest>(message);
    }
}
