using System.Globalization;
using System.Text;
using Ivr.Engine.Ops;

namespace Ivr.Engine.Cli;

/// <summary>Renders a <see cref="StatusReport"/> as the plain-text table of <c>ivr status</c>.</summary>
public static class StatusTable
{
    /// <summary>The table of <paramref name="r"/>, read from <paramref name="source"/>.</summary>
    public static string Render(StatusReport r, Uri source)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(source);
        var sb = new StringBuilder();
        var node = r.Node.Draining ? "DRAINING" : r.Node.Ready ? "ready" : "NOT READY";
        Line(sb, $"Ivr {source}  node {r.Node.Name}  {r.At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {node}  SIP {string.Join(' ', r.Node.SipEndPoints)}  {r.Node.FlowsLoaded} flows");
        Cluster(sb, r, source);
        sb.AppendLine();
        var c = r.Calls;
        Line(sb, $"Calls   active {c.Active}  started {c.Started}  answered {c.Answered}  ended {c.Ended.Values.Sum()}  failed {c.Failed}  rejected {c.Rejected.Values.Sum()}");
        Line(sb, "        by state  " + Pairs(c.ByState));
        Line(sb, "        by flow   " + Pairs(c.ByFlow));
        Line(sb, "        ended     " + Pairs(c.Ended));
        if (c.Rejected.Count > 0) Line(sb, "        rejected  " + Pairs(c.Rejected));
        var s = r.Sip;
        Line(sb, $"SIP     in {Pairs(s.Requests)}  out {Pairs(s.Responses)}  retransmissions {s.Retransmissions}  parse errors {s.ParseErrors}  503 without a handler {s.RejectedOverload}");
        var m = r.Media;
        Line(sb, $"Media   RTP in {m.PacketsReceived}  out {m.PacketsSent}  ignored {m.PacketsIgnored}  DTMF in {m.DtmfReceived} out {m.DtmfSent}  late {m.LateSends}  p99 lateness {m.LatenessP99Ms:0.0} ms  sessions {m.Sessions}");
        var a = r.Actors;
        Line(sb, $"Actors  live {Pairs(a.Live)}  messages {Pairs(a.Messages)}  restarts {a.Restarts.Values.Sum()}  dead letters {a.DeadLetters}");
        sb.AppendLine();
        Table(sb, ["flow", "version", "calls", "no-input", "no-match", "queued", "abandoned", "outcomes"],
            r.Flows.Select(f => new[] { f.Flow, f.Version ?? "-", N(f.Calls), N(f.NoInput), N(f.NoMatch), Pairs(f.Queued), Pairs(f.Abandoned), Pairs(f.Outcomes) }));
        sb.AppendLine();
        if (r.Skills.Count == 0)
        {
            Line(sb, "Skills  (no router: no skills)");
        }
        else
        {
            Table(sb, ["skill", "waiting", "longest", "EWT", "agents rdy/talk/wrap/away", "abandon", "SL", "ASA", "callbacks pend/dial/fail", "messages"],
                r.Skills.Select(k => new[]
                {
                    k.Skill, N(k.Waiting), Seconds(k.LongestWaitSeconds), k.ExpectedWaitSeconds is { } e ? Seconds(e) : "-",
                    $"{k.Agents.GetValueOrDefault("ready")}/{k.Agents.GetValueOrDefault("talking")}/{k.Agents.GetValueOrDefault("wrap-up")}/{k.Agents.GetValueOrDefault("away")}",
                    Percent(k.AbandonmentRate), k.ServiceLevel is { } sl ? Percent(sl) : "-", k.AsaSeconds is { } asa ? Seconds(asa) : "-",
                    $"{k.CallbacksPending}/{k.CallbacksDialled}/{k.CallbacksFailed}", N(k.Messages),
                }));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>
    /// The cluster as the asked node sees it: one line for a node alone, else a summary line (members, unreachable ones,
    /// the leader, which node answered) and one row per member.
    /// </summary>
    private static void Cluster(StringBuilder sb, StatusReport r, Uri source)
    {
        // An engine from before the cluster answers without it.
        if (r.Cluster is not { } cluster) return;
        if (!cluster.Clustered)
        {
            Line(sb, $"Cluster not clustered: {r.Node.Name} runs alone");
            return;
        }
        var members = cluster.Members;
        var unreachable = members.Count(m => m.State == "unreachable");
        var leader = members.FirstOrDefault(m => m.Leader)?.Node ?? "none";
        var asked = members.FirstOrDefault(m => m.Self)?.Node ?? r.Node.Name;
        Line(sb, $"Cluster {members.Count} members{(unreachable > 0 ? $" ({unreachable} unreachable)" : "")}  leader {leader}  asked {asked} at {source}");
        Table(sb, ["member", "state", "leader", "asked", "address", "roles"],
            members.Select(m => new[] { m.Node, m.State, m.Leader ? "yes" : "-", m.Self ? "yes" : "-", m.Address.Length == 0 ? "-" : m.Address, m.Roles.Count == 0 ? "-" : string.Join(",", m.Roles) }));
    }

    private static void Line(StringBuilder sb, string text) => sb.Append(text.TrimEnd()).Append('\n');

    private static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(row => row[i].Length)).ToArray();
        foreach (var row in all) Line(sb, string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))));
    }

    private static string Pairs<T>(IReadOnlyDictionary<string, T> values) =>
        values.Count == 0 ? "-" : string.Join("  ", values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(double s) => s.ToString("0", CultureInfo.InvariantCulture) + " s";

    private static string Percent(double ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
