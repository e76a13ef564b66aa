using Ivr.Engine.Routing.Configuration;
using Ivr.Engine.Sip.Registrar;

namespace Ivr.Engine.Hosting;

/// <summary>Reads the registrar's accounts (<see cref="AgentSipAccount"/>) from the agents the router is configured with.</summary>
public static class AgentSipAccounts
{
    /// <summary>One account per agent of <paramref name="agents"/> that has a <c>sip</c> object; agents without one cannot register.</summary>
    public static IEnumerable<AgentSipAccount> From(IEnumerable<AgentConfig> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        foreach (var agent in agents)
        {
            if (agent.Sip is { } sip) yield return new AgentSipAccount(agent.Id, sip.User, sip.Password, sip.Ha1Md5, sip.Ha1Sha256, sip.AllowedNetworks);
        }
    }
}
