namespace Ivr.Engine.Sip;

/// <summary>What made <see cref="SipParser"/> refuse a message.</summary>
public enum SipParseErrorCode
{
    /// <summary>No error.</summary>
    None,
    /// <summary>Only CRLF keep-alives, or nothing at all (RFC 5626 §4.4.1; not an error to log).</summary>
    Empty,
    /// <summary>Over the size limit (64 KiB by default); RFC 3261 §18.1.1 bounds UDP messages.</summary>
    MessageTooLarge,
    /// <summary>No empty line ends the header section (RFC 3261 §7: the empty line MUST be present).</summary>
    HeadersNotTerminated,
    /// <summary>A CR or LF that is not part of a CRLF pair (RFC 3261 §7).</summary>
    BareCrOrLf,
    /// <summary>Header bytes are not valid UTF-8 (RFC 3261 §7.3.1 TEXT-UTF8).</summary>
    InvalidUtf8,
    /// <summary>Too many header fields (limit, default 128).</summary>
    TooManyHeaders,
    /// <summary>A header field (after unfolding) is longer than the limit (default 8 KiB).</summary>
    HeaderTooLong,
    /// <summary>Malformed start line, including extra or trailing whitespace (RFC 4475 §3.1.2.10, §3.1.2.11).</summary>
    InvalidStartLine,
    /// <summary>Method is not a token (RFC 3261 §25.1).</summary>
    InvalidMethod,
    /// <summary>Request-URI contains whitespace, is in angle brackets or is not a URI (RFC 4475 §3.1.2.8, §3.1.2.9).</summary>
    InvalidRequestUri,
    /// <summary>Request-URI carries escaped headers, which RFC 3261 §19.1.1 forbids there (RFC 4475 §3.1.2.12).</summary>
    RequestUriHeadersNotAllowed,
    /// <summary>Request-URI longer than the limit (default 4 KiB): answer 414 (RFC 3261 §21.4.12).</summary>
    RequestUriTooLong,
    /// <summary>SIP-Version other than SIP/2.0: answer 505 (RFC 3261 §8.2.2.x, RFC 4475 §3.1.2.17).</summary>
    UnsupportedVersion,
    /// <summary>Status code not three digits in 100..699 (RFC 4475 §3.1.2.19 bigcode).</summary>
    InvalidStatusCode,
    /// <summary>Reason phrase contains control characters.</summary>
    InvalidReasonPhrase,
    /// <summary>A header line without a colon, or a continuation line with nothing to continue.</summary>
    InvalidHeaderLine,
    /// <summary>Header name is not a token.</summary>
    InvalidHeaderName,
    /// <summary>Header value contains control characters outside quoted-pairs.</summary>
    InvalidHeaderValue,
    /// <summary>Empty element or unbalanced quote in a comma-separated header (RFC 4475 §3.1.2.1 badinv01).</summary>
    InvalidListValue,
    /// <summary>Content-Length not a non-negative integer (RFC 4475 §3.1.2.3 ncl).</summary>
    InvalidContentLength,
    /// <summary>Content-Length exceeds the bytes received: answer 400 (RFC 3261 §18.3, RFC 4475 §3.1.2.2 clerr).</summary>
    BodyShorterThanContentLength,
    /// <summary>Content-Length missing on a stream transport (RFC 3261 §18.3).</summary>
    MissingContentLength,
    /// <summary>No Via header: nowhere to send a response, so the message is dropped.</summary>
    MissingVia,
    /// <summary>A Via value does not parse.</summary>
    InvalidVia,
    /// <summary>No CSeq header.</summary>
    MissingCSeq,
    /// <summary>CSeq malformed or out of range (RFC 4475 §3.1.2.4 scalar02, §3.1.2.5 scalarlg).</summary>
    InvalidCSeq,
    /// <summary>CSeq method differs from the request method (RFC 4475 §3.1.2.18 mismatch01/02).</summary>
    CSeqMethodMismatch,
    /// <summary>From does not parse (RFC 4475 §3.1.2.16 baddn).</summary>
    InvalidFrom,
    /// <summary>To does not parse (RFC 4475 §3.1.2.6 quotbal, §3.1.2.15 badaspec).</summary>
    InvalidTo,
    /// <summary>Contact does not parse (RFC 4475 §3.1.2.14 regbadct).</summary>
    InvalidContact,
    /// <summary>Route or Record-Route does not parse.</summary>
    InvalidRoute,
    /// <summary>Call-ID is not <c>word ["@" word]</c> (RFC 3261 §25.1).</summary>
    InvalidCallId,
    /// <summary>Max-Forwards is not an integer in 0..255.</summary>
    InvalidMaxForwards,
    /// <summary>Date is not an RFC 1123 date in GMT (RFC 3261 §20.17, RFC 4475 §3.1.2.13 baddate).</summary>
    InvalidDate,
    /// <summary>Content-Type is not <c>type/subtype *(;param)</c>.</summary>
    InvalidContentType,
    /// <summary>An unexpected internal failure; the message is dropped.</summary>
    Internal,
}
