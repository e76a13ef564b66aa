using System.Globalization;

namespace Ivr.Flows.Simulation;

/// <summary>One scripted caller or host action: <c>12345678#</c> (DTMF), <c>billing</c> or <c>say:billing@0.3</c> (speech),
/// <c>/noinput</c>, <c>/nomatch</c>, <c>/hangup</c>, and the host outcomes <c>/connected</c>, <c>/callback</c>, <c>/message</c>,
/// <c>/failed</c>, <c>/transfer-ok</c>, <c>/transfer-fail</c>, <c>/booked</c>, <c>/refused</c>, <c>/not-kept</c> (the message being
/// recorded cannot be stored), <c>/agent-hangup</c> (the agent hangs up first).</summary>
/// <param name="Kind">What the token stands for.</param>
/// <param name="Text">The keys or the phrase (empty for commands).</param>
/// <param name="Confidence">Speech confidence, 0..1.</param>
public sealed record InputToken(InputTokenKind Kind, string Text = "", double Confidence = 1.0)
{
    private static readonly Dictionary<string, InputTokenKind> Commands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/noinput"] = InputTokenKind.NoInput,
        ["/nomatch"] = InputTokenKind.NoMatch,
        ["/hangup"] = InputTokenKind.Hangup,
        ["/connected"] = InputTokenKind.Connected,
        ["/callback"] = InputTokenKind.Callback,
        ["/message"] = InputTokenKind.Message,
        ["/failed"] = InputTokenKind.Failed,
        ["/transfer-ok"] = InputTokenKind.TransferOk,
        ["/transfer-fail"] = InputTokenKind.TransferFail,
        ["/booked"] = InputTokenKind.Booked,
        ["/refused"] = InputTokenKind.Refused,
        ["/not-kept"] = InputTokenKind.NotKept,
        ["/agent-hangup"] = InputTokenKind.AgentHangup,
    };

    /// <summary>The command tokens, for help texts.</summary>
    public static IReadOnlyCollection<string> CommandNames => Commands.Keys;

    /// <summary>True for DTMF and speech: what a caller says or types.</summary>
    public bool IsCallerInput => Kind is InputTokenKind.Digits or InputTokenKind.Speech or InputTokenKind.NoMatch;

    /// <summary>Parses one token; false with an error message when it is malformed (an unknown <c>/command</c>, a bad confidence).</summary>
    public static bool TryParse(string raw, out InputToken token, out string? error)
    {
        token = new InputToken(InputTokenKind.NoInput);
        error = null;
        var text = (raw ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return true;
        }
        if (text.StartsWith('/'))
        {
            if (Commands.TryGetValue(text, out var kind))
            {
                token = new InputToken(kind);
                return true;
            }
            error = $"unknown command '{text}' (known: {string.Join(", ", Commands.Keys)})";
            return false;
        }
        if (text.StartsWith("say:", StringComparison.OrdinalIgnoreCase))
        {
            var body = text[4..];
            var confidence = 1.0;
            var at = body.LastIndexOf('@');
            if (at >= 0)
            {
                if (!double.TryParse(body[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out confidence)
                    || double.IsNaN(confidence) || confidence < 0 || confidence > 1)
                {
                    error = $"bad confidence in '{text}': expected a number between 0 and 1 after '@'";
                    return false;
                }
                body = body[..at];
            }
            token = new InputToken(InputTokenKind.Speech, body.Trim(), confidence);
            return true;
        }
        if (text.All(IsDtmf))
        {
            token = new InputToken(InputTokenKind.Digits, text);
            return true;
        }
        token = new InputToken(InputTokenKind.Speech, text);
        return true;
    }

    /// <summary>Parses a comma-separated script (<c>2,1,billing,/noinput</c>); an empty item is a no-input.</summary>
    public static bool TryParseScript(string script, out IReadOnlyList<InputToken> tokens, out string? error)
    {
        var list = new List<InputToken>();
        tokens = list;
        error = null;
        if (string.IsNullOrWhiteSpace(script)) return true;
        foreach (var item in script.Split(','))
        {
            if (!TryParse(item, out var token, out error)) return false;
            list.Add(token);
        }
        return true;
    }

    /// <summary>True for <c>0-9 * # A-D</c> (upper case only, so that a word such as "bad" stays speech).</summary>
    public static bool IsDtmf(char c) => c is >= '0' and <= '9' or '*' or '#' or >= 'A' and <= 'D';

    /// <summary>The token as a script would write it.</summary>
    public override string ToString() => Kind switch
    {
        InputTokenKind.Digits => Text,
        InputTokenKind.Speech => Confidence >= 1.0 ? $"\"{Text}\"" : $"\"{Text}\"@{Confidence.ToString("0.##", CultureInfo.InvariantCulture)}",
        _ => Commands.First(kv => kv.Value == Kind).Key,
    };
}
