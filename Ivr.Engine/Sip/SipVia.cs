using System.Globalization;
using System.Text;

namespace Ivr.Engine.Sip;

/// <summary>One Via header field value (RFC 3261 §20.42, §25.1 via-parm). Immutable.</summary>
public sealed class SipVia
{
    /// <summary>The RFC 3261 §8.1.1.7 magic cookie that starts every RFC 3261 branch.</summary>
    public const string MagicCookie = "z9hG4bK";

    /// <summary>Creates a Via value for SIP/2.0.</summary>
    public SipVia(string transport, string host, int? port, SipParameterCollection? parameters = null)
        : this("SIP", "2.0", transport, host, port, parameters ?? SipParameterCollection.Empty)
    {
    }

    private SipVia(string protocolName, string protocolVersion, string transport, string host, int? port, SipParameterCollection parameters)
    {
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
        Transport = transport.ToUpperInvariant();
        Host = host;
        Port = port;
        Parameters = parameters;
    }

    /// <summary>Creates a Via with a branch parameter (and <c>rport</c> flag when requested, RFC 3581).</summary>
    public static SipVia Create(string transport, string host, int? port, string branch, bool rport = false)
    {
        var list = new List<SipParameter> { new("branch", branch) };
        if (rport) list.Add(new SipParameter("rport", null));
        return new SipVia(transport, host, port, new SipParameterCollection(list));
    }

    /// <summary>Protocol name, normally <c>SIP</c>.</summary>
    public string ProtocolName { get; }

    /// <summary>Protocol version, normally <c>2.0</c>.</summary>
    public string ProtocolVersion { get; }

    /// <summary>Transport in upper case: UDP, TCP, TLS, SCTP, WS, or any token (RFC 4475 transports).</summary>
    public string Transport { get; }

    /// <summary>sent-by host.</summary>
    public string Host { get; }

    /// <summary>sent-by port, if present.</summary>
    public int? Port { get; }

    /// <summary>All via-params in order.</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>The branch (transaction id, RFC 3261 §8.1.1.7), or null (RFC 2543 peers).</summary>
    public string? Branch => Parameters.Get("branch");

    /// <summary>The <c>received</c> parameter (RFC 3261 §18.2.1).</summary>
    public string? Received => Parameters.Get("received");

    /// <summary>True if an <c>rport</c> parameter is present (RFC 3581 §4).</summary>
    public bool HasRport => Parameters.Contains("rport");

    /// <summary>The <c>rport</c> value once filled in by the server (RFC 3581 §4), or null.</summary>
    public int? Rport => int.TryParse(Parameters.Get("rport"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    /// <summary>The <c>maddr</c> parameter.</summary>
    public string? Maddr => Parameters.Get("maddr");

    /// <summary>True if the branch starts with the RFC 3261 magic cookie.</summary>
    public bool HasRfc3261Branch => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    /// <summary>Returns a copy with a parameter set (e.g. received, rport on receipt: RFC 3261 §18.2.1, RFC 3581 §4).</summary>
    public SipVia WithParameter(string name, string? value) =>
        new(ProtocolName, ProtocolVersion, Transport, Host, Port, Parameters.With(name, value));

    /// <summary>Parses, throwing <see cref="FormatException"/> if invalid.</summary>
    public static SipVia Parse(string text) => TryParse(text, out var v) ? v : throw new FormatException("Invalid Via: " + text);

    /// <summary>
    /// Parses <c>sent-protocol LWS sent-by *( SEMI via-params )</c> where SLASH, SEMI, EQUAL and COLON may be
    /// surrounded by whitespace (RFC 3261 §25.1; RFC 4475 §3.1.1.1 wsinv).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        var s = SipSyntax.TrimWs(text);
        var i = 0;
        if (!ReadToken(s, ref i, out var name) || !ReadSep(s, ref i, '/')
            || !ReadToken(s, ref i, out var version) || !ReadSep(s, ref i, '/')
            || !ReadToken(s, ref i, out var transport))
        {
            return false;
        }
        var wsStart = i;
        while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
        if (i == wsStart) return false;
        var hostStart = i;
        if (i < s.Length && s[i] == '[')
        {
            var close = s[i..].IndexOf(']');
            if (close < 0) return false;
            i += close + 1;
        }
        else
        {
            while (i < s.Length && (SipSyntax.IsAlnum(s[i]) || s[i] is '-' or '.')) i++;
        }
        var host = s[hostStart..i];
        if (!SipSyntax.IsHost(host)) return false;
        int? port = null;
        var j = i;
        while (j < s.Length && SipSyntax.IsWs(s[j])) j++;
        if (j < s.Length && s[j] == ':')
        {
            j++;
            while (j < s.Length && SipSyntax.IsWs(s[j])) j++;
            var ps = j;
            while (j < s.Length && SipSyntax.IsDigit(s[j])) j++;
            if (!SipSyntax.TryParsePort(s[ps..j], out var p)) return false;
            port = p;
            i = j;
        }
        if (!SipParameterCollection.TryParseGeneric(s[i..], out var parameters)) return false;
        foreach (var prm in parameters)
        {
            if (prm.Name.Equals("branch", StringComparison.OrdinalIgnoreCase) && (prm.Value is null || !SipSyntax.IsToken(prm.Value))) return false;
            if (prm.Name.Equals("received", StringComparison.OrdinalIgnoreCase)
                && (prm.Value is null || !System.Net.IPAddress.TryParse(prm.Value.Trim('[', ']'), out _))) return false;
            if (prm.Name.Equals("rport", StringComparison.OrdinalIgnoreCase) && prm.Value is not null && !SipSyntax.TryParsePort(prm.Value, out _)) return false;
            if (prm.Name.Equals("ttl", StringComparison.OrdinalIgnoreCase)
                && (prm.Value is null || prm.Value.Length > 3 || !SipSyntax.IsDigits(prm.Value) || int.Parse(prm.Value, CultureInfo.InvariantCulture) > 255)) return false;
        }
        via = new SipVia(name, version, transport, host.ToString(), port, parameters);
        return true;
    }

    private static bool ReadToken(ReadOnlySpan<char> s, ref int i, out string token)
    {
        var start = i;
        while (i < s.Length && SipSyntax.IsTokenChar(s[i])) i++;
        token = s[start..i].ToString();
        return i > start;
    }

    private static bool ReadSep(ReadOnlySpan<char> s, ref int i, char sep)
    {
        while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
        if (i >= s.Length || s[i] != sep) return false;
        i++;
        while (i < s.Length && SipSyntax.IsWs(s[i])) i++;
        return true;
    }

    /// <summary>Formats canonically: <c>SIP/2.0/UDP host:port;params</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(64);
        sb.Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/').Append(Transport).Append(' ').Append(Host);
        if (Port is { } p) sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        sb.Append(Parameters.ToString());
        return sb.ToString();
    }
}
