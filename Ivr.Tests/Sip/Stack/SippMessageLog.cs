using System.Globalization;

namespace Ivr.Tests.Sip.Stack;

/// <summary>
/// What sipp wrote with <c>-trace_msg</c> (<c>*_messages.log</c> in its working folder): every message it sent or received,
/// with the time. Lets a test count what the engine really put on the wire (retransmissions included).
/// </summary>
internal sealed class SippMessageLog
{
    private const string Separator = "-----------------------------------------------";

    private SippMessageLog(IReadOnlyList<Entry> entries) => Entries = entries;

    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Reads every <c>*_messages.log</c> in <paramref name="workDir"/>.</summary>
    public static SippMessageLog Read(string workDir)
    {
        var entries = new List<Entry>();
        foreach (var path in Directory.GetFiles(workDir, "*_messages.log"))
        {
            DateTime? at = null;
            bool? received = null;
            var lines = new List<string>();
            foreach (var line in File.ReadLines(path).Append(Separator))
            {
                if (line.StartsWith(Separator, StringComparison.Ordinal))
                {
                    if (at is not null && received is not null && lines.Count > 0) entries.Add(Entry.From(at.Value, received.Value, lines));
                    var stamp = line[Separator.Length..].Trim();
                    at = DateTime.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
                    received = null;
                    lines.Clear();
                }
                else if (received is null && line.Contains(" message received", StringComparison.Ordinal))
                {
                    received = true;
                }
                else if (received is null && line.Contains(" message sent", StringComparison.Ordinal))
                {
                    received = false;
                }
                else if (received is not null)
                {
                    lines.Add(line);
                }
            }
        }
        return new SippMessageLog(entries.OrderBy(e => e.At).ToList());
    }

    /// <summary>Messages sipp received whose start line begins with <paramref name="startLine"/> and whose CSeq is <paramref name="cseq"/>.</summary>
    public IEnumerable<Entry> Received(string startLine, string cseq) =>
        Entries.Where(e => e.Received && e.StartLine.StartsWith(startLine, StringComparison.Ordinal) && e.CSeq == cseq);

    /// <summary>One message, its direction, time, start line, Call-ID and CSeq.</summary>
    internal sealed record Entry(DateTime At, bool Received, string StartLine, string CallId, string CSeq)
    {
        public static Entry From(DateTime at, bool received, List<string> lines)
        {
            var start = lines.FirstOrDefault(l => l.Length > 0) ?? string.Empty;
            return new Entry(at, received, start.Trim(), Header(lines, "Call-ID"), Header(lines, "CSeq"));
        }

        private static string Header(List<string> lines, string name) =>
            lines.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)) is { } h ? h[(name.Length + 1)..].Trim() : string.Empty;
    }
}
