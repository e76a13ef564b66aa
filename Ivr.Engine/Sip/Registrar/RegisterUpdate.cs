using Ivr.Engine.Sip.Transport;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>The facts of one authenticated REGISTER that decide how an address-of-record's bindings change.</summary>
public sealed record RegisterUpdate
{
    /// <summary>The request's Call-ID.</summary>
    public required string CallId { get; init; }

    /// <summary>The request's CSeq number.</summary>
    public required long CSeq { get; init; }

    /// <summary>The Expires header value, or null when absent or malformed.</summary>
    public uint? Expires { get; init; }

    /// <summary>True for <c>Contact: *</c> (remove every binding, RFC 3261 §10.2.2).</summary>
    public bool IsWildcard { get; init; }

    /// <summary>The Contact values; empty for a query (RFC 3261 §10.2.3).</summary>
    public required IReadOnlyList<SipNameAddr> Contacts { get; init; }

    /// <summary>Where the request came from.</summary>
    public required SipEndPoint Received { get; init; }

    /// <summary>The User-Agent header, if any.</summary>
    public string? UserAgent { get; init; }

    /// <summary>The node taking the request, written on the bindings it makes or refreshes.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// Applies RFC 3261 §10.3 steps 6–7 to <paramref name="current"/> (bindings not yet expired at <paramref name="now"/>):
    /// all or nothing, so a request that fails changes no binding.
    /// </summary>
    public RegisterResult ApplyTo(IReadOnlyList<RegistrationBinding> current, RegistrarOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (IsWildcard)
        {
            if (Expires != 0) return RegisterResult.Fail(400, "Contact * requires Expires: 0");
            foreach (var b in current)
            {
                if (b.CallId == CallId && CSeq <= b.CSeq) return RegisterResult.Fail(400, "CSeq not newer than the binding's");
            }
            return RegisterResult.Ok([]);
        }

        var working = current.ToList();
        foreach (var contact in Contacts)
        {
            if (!contact.Uri.IsSip) return RegisterResult.Fail(400, "Contact must be a SIP or SIPS URI");
            var seconds = ExpiresOf(contact, options);
            if (seconds != 0 && seconds < options.MinExpires.TotalSeconds) return RegisterResult.TooBrief(options.MinExpires);
            // §10.3 step 7: with the same Call-ID the CSeq must grow, or the request is out of order and aborts.
            var before = current.FirstOrDefault(b => b.Contact.EqualsRfc(contact.Uri));
            if (before is not null && before.CallId == CallId && CSeq <= before.CSeq)
                return RegisterResult.Fail(400, "CSeq not newer than the binding's");

            var index = working.FindIndex(b => b.Contact.EqualsRfc(contact.Uri));
            if (seconds == 0)
            {
                if (index >= 0) working.RemoveAt(index);
                continue;
            }
            var binding = new RegistrationBinding
            {
                Contact = contact.Uri,
                Q = contact.Parameters.Get("q"),
                CallId = CallId,
                CSeq = CSeq,
                Expires = now + TimeSpan.FromSeconds(Math.Min(seconds, options.MaxExpires.TotalSeconds)),
                Registered = index >= 0 ? working[index].Registered : now,
                Received = Received,
                UserAgent = UserAgent,
                Node = Node,
            };
            if (index >= 0) working[index] = binding;
            else working.Add(binding);
        }
        if (working.Count > options.MaxContactsPerAor)
            return RegisterResult.Fail(403, $"At most {options.MaxContactsPerAor} contacts per address-of-record");
        return RegisterResult.Ok(working);
    }

    // RFC 3261 §10.2.1.1: the Contact's expires parameter, else the Expires header, else the registrar's default.
    private double ExpiresOf(SipNameAddr contact, RegistrarOptions options)
    {
        var param = contact.Parameters.Get("expires");
        if (param is not null && uint.TryParse(param, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p)) return p;
        if (Expires is { } header) return header;
        return options.DefaultExpires.TotalSeconds;
    }
}
