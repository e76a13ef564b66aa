using Ivr.Engine.Integrations.ScreenPop;
using Ivr.Flows.Runtime;

namespace Ivr.Engine.Calls.Queue;

/// <summary>Builds a queued caller's <see cref="AgentContext"/> from what the call knows: its timeline, its flow's variables, its wait.</summary>
internal static class QueueAgentContext
{
    /// <summary>
    /// The context of <paramref name="call"/> queued by <paramref name="effect"/> for <paramref name="skill"/> since
    /// <paramref name="queuedAt"/>, for <paramref name="agent"/> (null while still waiting), as of <paramref name="now"/>.
    /// </summary>
    public static AgentContext For(CallContext call, EnqueueEffect effect, string skill, string? agent, DateTimeOffset queuedAt, DateTimeOffset now, PreviousContacts? contacts)
    {
        var (path, offers) = AgentContextPath.Read(call.Timeline.Entries());
        var values = call.Run?.GetVariables();
        var variables = new List<AgentVariable>(effect.ForAgent.Count);
        foreach (var name in effect.ForAgent)
        {
            // An unset variable is left out, not sent as "".
            if (values is not null && values.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value)) variables.Add(new AgentVariable(name, value));
        }
        var number = call.Setup.Call.CallerNumber;
        return new AgentContext(
            call.CallId,
            AgentContext.InboundKind,
            skill,
            agent,
            CallerNumbers.IsWithheld(number) ? null : number,
            call.Setup.Flow.Id,
            queuedAt,
            now,
            (long)Math.Max(0, (now - queuedAt).TotalSeconds),
            path,
            offers,
            variables,
            contacts);
    }
}
