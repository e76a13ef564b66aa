using System.Globalization;
using System.Text.Json;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// Agent a1 of skill billing with a SIP account (a1 / phone-secret), as the registered-agent end-to-end tests use it: the
/// agents file and the REGISTER its softphone on loopback sends.
/// </summary>
internal static class SoftphoneAgent
{
    /// <summary>Writes <c>agents.json</c> in <paramref name="folder"/>; the agent's configured contact is the dead <paramref name="deadPort"/>.</summary>
    public static async Task<string> WriteAgentsAsync(string folder, int deadPort)
    {
        var agents = Path.Combine(folder, "agents.json");
        await File.WriteAllTextAsync(agents, JsonSerializer.Serialize(new
        {
            wrapUpSeconds = 1,
            ringTimeoutSeconds = 5,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = new[]
            {
                new
                {
                    id = "a1",
                    name = "Agent with a softphone",
                    contact = $"sip:a1@127.0.0.1:{deadPort.ToString(CultureInfo.InvariantCulture)}",
                    skills = new[] { new { skill = "billing", level = 5 } },
                    sip = new { user = "a1", password = "phone-secret" },
                },
            },
        }));
        return agents;
    }

    /// <summary>The softphone's REGISTER from <paramref name="port"/> binding <paramref name="contact"/> for 300 s.</summary>
    public static string Register(int port, string callId, string branch, int cseq, string contact, string? authorization) =>
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:a1@127.0.0.1>;tag=ph1\r\n" +
        "To: <sip:a1@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
        $"Contact: <{contact}>\r\n" +
        "Expires: 300\r\n" +
        (authorization is null ? string.Empty : $"Authorization: {authorization}\r\n") +
        "Content-Length: 0\r\n\r\n";
}
