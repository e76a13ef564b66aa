using System.Text;

namespace Ivr.Engine.Calls;

/// <summary>Turns a SIP Call-ID into a valid, readable actor name (and file name).</summary>
internal static class ActorNames
{
    private const int MaxLength = 120;

    /// <summary>Keeps letters, digits and <c>- _ . @</c>, replaces anything else with <c>_</c>.</summary>
    public static string FromCallId(string callId)
    {
        if (string.IsNullOrEmpty(callId)) return "call";
        var sb = new StringBuilder(Math.Min(callId.Length, MaxLength));
        foreach (var c in callId)
        {
            if (sb.Length == MaxLength) break;
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' ? c : '_');
        }
        return sb.ToString();
    }
}
