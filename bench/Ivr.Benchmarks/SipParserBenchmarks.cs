using System.Text;
using BenchmarkDotNet.Attributes;
using Ivr.Engine.Sip;

namespace Ivr.Benchmarks;

/// <summary>Parsing and serializing a typical softphone INVITE with an SDP offer (about 900 bytes).</summary>
[MemoryDiagnoser]
public class SipParserBenchmarks
{
    private const string Sdp =
        "v=0\r\no=ivr 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

    private static readonly byte[] Invite = Encoding.UTF8.GetBytes(
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
        "Content-Length: " + Sdp.Length + "\r\n\r\n" + Sdp);

    private readonly SipRequestValidator _validator = new();
    private SipMessage _parsed = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (!SipParser.Default.TryParse(Invite, out var msg, out var error)) throw new InvalidOperationException(error.ToString());
        _parsed = msg!;
    }

    [Benchmark(Baseline = true)]
    public SipMessage? ParseInvite()
    {
        SipParser.Default.TryParse(Invite, out var msg, out _);
        return msg;
    }

    [Benchmark]
    public SipValidationResult ParseValidateAndReadTransactionKeys()
    {
        SipParser.Default.TryParse(Invite, out var msg, out _);
        var req = (SipRequest)msg!;
        _ = req.TopVia!.Branch;
        _ = req.From!.Tag;
        _ = req.CSeq;
        return _validator.Validate(req);
    }

    [Benchmark]
    public byte[] Serialize() => _parsed.ToBytes();

    [Benchmark]
    public byte[] Create180Ringing() => SipResponse.CreateFor((SipRequest)_parsed, 180, null, "totag").ToBytes();
}
