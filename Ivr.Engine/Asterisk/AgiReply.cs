using System.Globalization;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// Asterisk's answer to one AGI command: <c>200 result=N [(data)] [endpos=M]</c> on success, <c>510</c> (unknown command),
/// <c>511</c> (the channel is dead), <c>520</c> (usage; multi-line <c>520-</c> … <c>520 End of proper usage.</c>).
/// </summary>
/// <param name="Code">The status code (200, 510, 511, 520).</param>
/// <param name="Result">The <c>result=</c> value as sent (empty when absent or on a time-out such as <c>result= (timeout)</c>).</param>
/// <param name="Data">The text in parentheses after the result, or null.</param>
/// <param name="Text">The whole first line, for logs.</param>
public sealed record AgiReply(int Code, string Result, string? Data, string Text)
{
    /// <summary>True for <c>200</c>.</summary>
    public bool IsSuccess => Code == 200;

    /// <summary>True for <c>511</c>: the channel hung up, no command will work on it.</summary>
    public bool IsDeadChannel => Code == 511;

    /// <summary>The result as a number; null when it is not one.</summary>
    public int? Number => int.TryParse(Result, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// The key of a DTMF result (<c>WAIT FOR DIGIT</c>, <c>STREAM FILE</c>: the key's ASCII code, 0 for none), or null for
    /// none, a time-out or an error.
    /// </summary>
    public char? Digit => Number is { } n and > 0 && IsKey((char)n) ? (char)n : null;

    /// <summary>
    /// The <c>endpos=</c> sample offset a <c>STREAM FILE</c> reply ends with, or null when absent: with a result of -1,
    /// 0 means the file could not be played (missing), more means the channel hung up during the play.
    /// </summary>
    public long? EndPos
    {
        get
        {
            var at = Text.IndexOf(" endpos=", StringComparison.Ordinal);
            if (at < 0) return null;
            var digits = Text.AsSpan(at + " endpos=".Length);
            var end = 0;
            while (end < digits.Length && char.IsAsciiDigit(digits[end])) end++;
            return long.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        }
    }

    /// <summary>
    /// Parses a reply's first line. Any other line than a status line is an <see cref="AgiProtocolException"/>;
    /// <c>HANGUP</c> is not a reply (see <see cref="AgiLineReader"/>).
    /// </summary>
    public static AgiReply Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
            || (line.Length > 3 && line[3] is not (' ' or '-')))
        {
            throw new AgiProtocolException("not an AGI reply: '" + AgiEnvironment.Shorten(line) + "'");
        }
        var code = int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture);
        if (code != 200) return new AgiReply(code, string.Empty, null, line);

        var rest = line.Length > 4 ? line[4..] : string.Empty;
        if (!rest.StartsWith("result=", StringComparison.Ordinal)) throw new AgiProtocolException("AGI 200 reply without result=: '" + AgiEnvironment.Shorten(line) + "'");
        rest = rest["result=".Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var result = space < 0 ? rest : rest[..space];
        string? data = null;
        var open = rest.IndexOf('(', StringComparison.Ordinal);
        if (open >= 0)
        {
            var close = rest.LastIndexOf(')');
            data = close > open ? rest[(open + 1)..close] : rest[(open + 1)..];
        }
        return new AgiReply(code, result, data, line);
    }

    /// <summary>True for a DTMF key (0-9, *, #, A-D).</summary>
    public static bool IsKey(char c) => char.IsAsciiDigit(c) || c is '*' or '#' or (>= 'A' and <= 'D');
}
