using System.Text;

namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// Turns the bytes of one AMI connection into packets: first the banner line (<c>Asterisk Call Manager/…</c>), then
/// packets of <c>Key: Value</c> lines ended by a blank line. An old-style <c>Response: Follows</c> packet carries raw
/// command output up to <c>--END COMMAND--</c>. Anything else — a line without a key, a control character, a line, packet
/// or key count over <see cref="AmiLimits"/> — is an <see cref="AmiProtocolException"/>, after which the parser must not be
/// fed again (the connection is reset). Not thread-safe: one reader per connection.
/// </summary>
public sealed class AmiPacketParser
{
    private const string BannerPrefix = "Asterisk Call Manager/";
    private const string EndCommand = "--END COMMAND--";

    private readonly AmiLimits _limits;
    private readonly byte[] _line;
    private readonly List<KeyValuePair<string, string>> _fields = [];
    private readonly List<string> _output = [];
    private int _lineLength;
    private bool _lineHasCarriageReturn;
    private int _packetBytes;
    private bool _follows;
    private bool _rawOutput;
    private bool _failed;

    /// <summary>A parser within <paramref name="limits"/> (<see cref="AmiLimits.Default"/> when null).</summary>
    public AmiPacketParser(AmiLimits? limits = null)
    {
        _limits = limits ?? AmiLimits.Default;
        _line = new byte[_limits.MaxLineLength + 1];
    }

    /// <summary>The banner line once read (<c>Asterisk Call Manager/9.0.0</c>), null before.</summary>
    public string? Banner { get; private set; }

    /// <summary>True while a packet is half read (some of its lines received, not its blank line).</summary>
    public bool InPacket => _fields.Count > 0 || _output.Count > 0 || _lineLength > 0;

    /// <summary>Parses <paramref name="data"/> and adds each packet it completes to <paramref name="packets"/>.</summary>
    /// <exception cref="AmiProtocolException">The input is not AMI or breaks a limit.</exception>
    public void Feed(ReadOnlySpan<byte> data, ICollection<AmiMessage> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        if (_failed) throw new InvalidOperationException("The parser failed before; reset the connection.");
        try
        {
            foreach (var b in data)
            {
                if (b == (byte)'\n')
                {
                    EndLine(packets);
                    continue;
                }
                if (_lineHasCarriageReturn)
                {
                    // A CR inside a line (not before its LF) could smuggle a second line past a line-based peer.
                    throw new AmiProtocolException("control-character", "AMI line with a carriage return inside it");
                }
                if (b == (byte)'\r')
                {
                    _lineHasCarriageReturn = true;
                    continue;
                }
                if (b < 0x20 && b != (byte)'\t' || b == 0x7F)
                {
                    throw new AmiProtocolException("control-character", $"AMI line with control character 0x{b:X2}");
                }
                if (_lineLength == _limits.MaxLineLength)
                {
                    throw new AmiProtocolException("line-too-long", $"AMI line over {_limits.MaxLineLength} bytes");
                }
                _line[_lineLength++] = b;
            }
        }
        catch (AmiProtocolException)
        {
            _failed = true;
            throw;
        }
    }

    private void EndLine(ICollection<AmiMessage> packets)
    {
        var line = Encoding.UTF8.GetString(_line, 0, _lineLength);
        var bytes = _lineLength + (_lineHasCarriageReturn ? 2 : 1);
        _lineLength = 0;
        _lineHasCarriageReturn = false;
        if (Banner is null)
        {
            if (!line.StartsWith(BannerPrefix, StringComparison.Ordinal))
            {
                throw new AmiProtocolException("banner", "the peer is not an Asterisk manager: it began with '" + Printable(line) + "'");
            }
            Banner = line;
            return;
        }
        if (line.Length == 0)
        {
            // Blank lines between packets are harmless; inside raw command output they are output.
            if (_rawOutput)
            {
                AddOutput(line, bytes);
                return;
            }
            if (_fields.Count == 0) return;
            packets.Add(new AmiMessage(_fields.ToArray(), _output.Count > 0 ? _output.ToArray() : null));
            _fields.Clear();
            _output.Clear();
            _packetBytes = 0;
            _follows = false;
            return;
        }
        if (_rawOutput)
        {
            EndLineAsOutput(line, bytes);
            return;
        }
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !IsKey(line.AsSpan(0, colon)))
        {
            if (_follows)
            {
                // Response: Follows — the command's raw output starts at the first line that is not a field.
                _rawOutput = true;
                EndLineAsOutput(line, bytes);
                return;
            }
            throw new AmiProtocolException("malformed", "AMI line without 'Key: value': '" + Printable(line) + "'");
        }
        var key = line[..colon];
        var value = line.AsSpan(colon + 1).TrimStart(' ').ToString();
        Count(bytes);
        _fields.Add(new KeyValuePair<string, string>(key, value));
        if (_fields.Count == 1 && string.Equals(key, "Response", StringComparison.OrdinalIgnoreCase)
            && string.Equals(value, "Follows", StringComparison.OrdinalIgnoreCase))
        {
            _follows = true;
        }
    }

    private void EndLineAsOutput(string line, int bytes)
    {
        // Asterisk before 14 wrote the end marker right after the last output line, without a line break.
        if (line.EndsWith(EndCommand, StringComparison.Ordinal))
        {
            var last = line[..^EndCommand.Length];
            if (last.Length > 0) AddOutput(last, bytes);
            _rawOutput = false;
            return;
        }
        AddOutput(line, bytes);
    }

    private void AddOutput(string line, int bytes)
    {
        Count(bytes);
        _output.Add(line);
    }

    private void Count(int bytes)
    {
        _packetBytes += bytes;
        if (_packetBytes > _limits.MaxPacketBytes)
        {
            throw new AmiProtocolException("packet-too-large", $"AMI packet over {_limits.MaxPacketBytes} bytes");
        }
        if (_fields.Count + _output.Count >= _limits.MaxKeys)
        {
            throw new AmiProtocolException("too-many-keys", $"AMI packet with more than {_limits.MaxKeys} keys");
        }
    }

    /// <summary>Keys are printable ASCII without spaces (<c>ActionID</c>, <c>ChanVariable(FOO)</c>).</summary>
    private static bool IsKey(ReadOnlySpan<char> key)
    {
        foreach (var c in key)
        {
            if (c <= ' ' || c > '~') return false;
        }
        return true;
    }

    /// <summary>The start of a line for a log, without anything that could forge a log line.</summary>
    internal static string Printable(string text)
    {
        var cut = text.Length > 80 ? text[..80] + "…" : text;
        return string.Create(cut.Length, cut, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }
}
