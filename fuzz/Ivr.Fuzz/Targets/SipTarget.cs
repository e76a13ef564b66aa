using Ivr.Engine.Sip;

namespace Ivr.Fuzz.Targets;

/// <summary>
/// SIP: a datagram through <see cref="SipParser"/> and <see cref="SipRequestValidator"/> as the UDP transport does, and
/// the same bytes, cut into chunks, through a <see cref="SipStreamFramer"/> as the TCP transport does.
/// </summary>
public static class SipTarget
{
    private static readonly SipRequestValidator Validator = new();

    /// <summary>Runs one input.</summary>
    public static void Run(byte[] input)
    {
        Datagram(input);
        Stream(input);
    }

    private static void Datagram(ReadOnlySpan<byte> datagram)
    {
        if (SipParser.Default.TryParse(datagram, out var message, out var error))
        {
            FuzzInvariantException.Check(message is not null && !error.IsError, "an accepted datagram yields a message and no error");
            Accepted(message!, requireContentLength: false);
            return;
        }

        FuzzInvariantException.Check(error.IsError, "a refused datagram says why");
        if (error.CanRespond)
        {
            // The stateless 400/414/505 the transport sends back; it echoes the peer's headers (RFC 3261 §8.2.6.2), which may
            // themselves be what was malformed, so only its status line is ours to promise.
            var request = message as SipRequest;
            FuzzInvariantException.Check(request is not null, "a refusal we can answer comes with the partial request");
            var bytes = SipResponse.CreateFor(request!, error.StatusCode, error.Detail).ToBytes();
            var statusLine = System.Text.Encoding.ASCII.GetBytes($"SIP/2.0 {error.StatusCode} ");
            FuzzInvariantException.Check(bytes.AsSpan().StartsWith(statusLine), "the error response starts with its status line");
        }
    }

    private static void Accepted(SipMessage message, bool requireContentLength)
    {
        if (message is SipRequest request)
        {
            var verdict = Validator.Validate(request);
            var response = verdict.ToResponse(request, "fuzz");
            FuzzInvariantException.Check((response is null) == (verdict.IsAccepted || verdict.Discard), "a refused request gets a response unless discarded");
            if (response is not null) Reparse(response.ToBytes(), "the validator's response");
        }
        else
        {
            _ = SipRequestValidator.ShouldDiscardResponse((SipResponse)message);
        }

        Typed(message);

        // Parse → serialize → parse is stable (Rfc4475Tests.Serialize_ValidMessage_RoundTrips promises it for the torture set).
        var first = message.ToBytes();
        var again = Reparse(first, "the serialized message", requireContentLength);
        FuzzInvariantException.Check(again.StartLine == message.StartLine, "a re-parsed message keeps its start line");
        FuzzInvariantException.Check(
            again.Headers.Where(h => h.Name != SipHeaderNames.ContentLength).SequenceEqual(message.Headers.Where(h => h.Name != SipHeaderNames.ContentLength)),
            "a re-parsed message keeps its headers (Content-Length is recomputed)");
        FuzzInvariantException.Check(again.Body.Span.SequenceEqual(message.Body.Span), "a re-parsed message keeps its body");
        FuzzInvariantException.Check(first.AsSpan().SequenceEqual(again.ToBytes()), "serialize → parse → serialize is stable");
    }

    private static void Typed(SipMessage message)
    {
        // The typed accessors parse lazily: every one must read whatever the parser let through.
        foreach (var via in message.Via)
        {
            var text = via.ToString();
            FuzzInvariantException.Check(SipVia.TryParse(text, out var again) && again.ToString() == text, "a Via prints as it parses");
            _ = (via.HasRfc3261Branch, via.Rport, via.Received, via.Maddr);
        }

        NameAddr(message.From);
        NameAddr(message.To);
        foreach (var list in new[] { message.Contact, message.Route, message.RecordRoute })
        {
            foreach (var nameAddr in list) NameAddr(nameAddr);
        }

        _ = (message.CallId, message.CSeq, message.MaxForwards, message.IsContactWildcard, message.ContentMediaType);
        _ = (message.ContentLength, message.Expires, message.Require, message.Supported, message.Unsupported);
        if (message is SipRequest request) Uri(request.RequestUri);
    }

    private static void NameAddr(SipNameAddr? nameAddr)
    {
        if (nameAddr is null) return;
        var text = nameAddr.ToString();
        FuzzInvariantException.Check(SipNameAddr.TryParse(text, out var again) && again.ToString() == text, "a name-addr prints as it parses");
        Uri(nameAddr.Uri);
    }

    private static void Uri(SipUri uri)
    {
        // RFC 3261 §19.1.4: comparison is reflexive, and a printed URI compares equal to what it was printed from.
        var text = uri.ToString();
        FuzzInvariantException.Check(uri.EqualsRfc(uri), "a URI equals itself (RFC 3261 §19.1.4)");
        FuzzInvariantException.Check(SipUri.TryParse(text, out var again) && again.ToString() == text, "a URI prints as it parses");
        FuzzInvariantException.Check(again!.EqualsRfc(uri) && uri.EqualsRfc(again), "a re-parsed URI equals the original (RFC 3261 §19.1.4)");
        _ = (uri.UserUnescaped, uri.Transport);
    }

    private static SipMessage Reparse(byte[] bytes, string what, bool requireContentLength = true)
    {
        var ok = SipParser.Default.TryParse(bytes, requireContentLength, out var message, out var error);
        FuzzInvariantException.Check(ok && message is not null, $"{what} parses ({error})");
        return message!;
    }

    private static void Stream(byte[] input)
    {
        // The first byte picks the chunk size, so the fuzzer explores messages split across reads.
        var chunk = input.Length == 0 ? 1 : 1 + (input[0] % 97);
        using var framer = new SipStreamFramer(SipParser.Default.MaxMessageSize);
        for (var offset = 0; offset < input.Length; offset += chunk)
        {
            if (!framer.Append(input.AsSpan(offset, Math.Min(chunk, input.Length - offset)))) return;
            while (true)
            {
                var buffered = framer.Buffered;
                var result = framer.TryRead(out var frame, out var error);
                if (result == SipFrameResult.NeedMoreData) break;
                if (result == SipFrameResult.Error)
                {
                    FuzzInvariantException.Check(error.IsError, "a framing error says why");
                    return;
                }

                FuzzInvariantException.Check(framer.Buffered < buffered, "a read frame or ping consumes bytes");
                if (result == SipFrameResult.Message
                    && SipParser.Default.TryParse(frame.Span, requireContentLength: true, out var message, out _))
                {
                    Accepted(message!, requireContentLength: true);
                }
            }
        }
    }
}
