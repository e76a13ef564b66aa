using System.Net;
using System.Text;
using Ivr.Engine.Media;

namespace Ivr.Fuzz.Targets;

/// <summary>
/// SDP: the text as an offer (parse, serialize round trip, <see cref="SdpNegotiator.Answer"/>) as call admission does,
/// and as the answer to our own offer (<see cref="SdpNegotiator.ProcessAnswer"/>) as the outbound dialer does.
/// </summary>
public static class SdpTarget
{
    private static readonly SdpSession OurOffer = SdpNegotiator.CreateOffer(IPAddress.Loopback, 40000, sessionId: 1, sessionVersion: 1);

    /// <summary>Runs one input.</summary>
    public static void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (!SdpSession.TryParse(text, out var session, out var error))
        {
            FuzzInvariantException.Check(!string.IsNullOrEmpty(error), "a refused SDP says why");
            return;
        }

        // Serialize → parse → serialize is stable (SdpSessionTests round-trip what they parse).
        var written = session.ToString();
        FuzzInvariantException.Check(SdpSession.TryParse(written, out var again, out var againError), $"serialized SDP parses ({againError})");
        FuzzInvariantException.Check(again!.ToString() == written, "SDP serialize → parse → serialize is stable");
        FuzzInvariantException.Check(again.Media.Count == session.Media.Count, "a re-parsed SDP keeps its media descriptions");

        var answer = SdpNegotiator.Answer(session, IPAddress.Loopback, 40002, sessionId: 2, sessionVersion: 2);
        if (answer.IsSuccess)
        {
            FuzzInvariantException.Check(answer.Answer is not null, "an accepted offer has an answer");
            FuzzInvariantException.Check(answer.Answer!.Media.Count == session.Media.Count, "the answer has one m-line per offered one (RFC 3264 §6)");
            FuzzInvariantException.Check(SdpSession.TryParse(answer.Answer.ToString(), out _, out var answerError), $"our answer parses ({answerError})");
            FuzzInvariantException.Check(answer.Media!.RemoteEndPoint.Port is >= 0 and <= 65535, "the remote port is a port");
        }
        else
        {
            FuzzInvariantException.Check(answer.StatusCode == SdpNegotiationResult.NotAcceptableHere && !string.IsNullOrEmpty(answer.Reason), "a refused offer is a 488 with a reason");
        }

        var processed = SdpNegotiator.ProcessAnswer(OurOffer, session);
        FuzzInvariantException.Check(processed.IsSuccess || !string.IsNullOrEmpty(processed.Reason), "a refused answer says why");
    }
}
