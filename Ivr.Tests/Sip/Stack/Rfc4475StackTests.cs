using Ivr.Engine.Sip;
using Ivr.Engine.Sip.Stack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Tests.Sip.Stack;

/// <summary>RFC 4475 torture messages sent to the running stack over UDP and TCP; it answers as the RFC says and keeps serving.</summary>
public sealed class Rfc4475StackTests
{
    // RFC 4475 §3.1.1 valid requests that are legitimately accepted (OPTIONS → 200).
    private static readonly HashSet<string> MayGet2xx = ["lwsdisp", "semiuri", "transports", "zeromf"];

    // RFC 4475 §3.2–§3.3: the answer the RFC expects from a UAS (REGISTER without a registrar → 501 here).
    private static readonly Dictionary<string, int> Expected = new()
    {
        ["insuf"] = 400, ["unkscm"] = 416, ["novelsc"] = 416, ["unksm2"] = 400, ["bext01"] = 420, ["invut"] = 415,
        ["multi01"] = 400, ["mcl01"] = 400, ["sdp01"] = 406, ["badbranch"] = 400, ["regaut01"] = 501,
        ["cparam01"] = 501, ["cparam02"] = 501, ["regescrt"] = 501, ["zeromf"] = 200,
    };

    [Fact]
    public async Task TortureMessages_OverUdp_NoInvalidOneGets2xxAndServerKeepsServing()
    {
        await using var stack = await StartAsync();
        using var client = RawSipClient.Udp(stack.UdpEndPoint!.Value.EndPoint);
        var failures = new List<string>();
        foreach (var name in Rfc4475.Table.Keys.Order(StringComparer.Ordinal))
        {
            client.Send(Rfc4475.Load(name));
            client.Send(client.Options("probe-" + name, "z9hG4bKprobe" + name));
            var answers = await CollectUntilProbeAsync(client, name);
            Check(name, answers, failures);
        }
        client.Send(client.Options("final", "z9hG4bKfinal"));
        await client.ExpectResponseAsync(200);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task TortureMessages_OverTcp_NoInvalidOneGets2xxAndServerKeepsServing()
    {
        await using var stack = await StartAsync();
        var failures = new List<string>();
        var answered = 0;
        foreach (var name in Rfc4475.Table.Keys.Order(StringComparer.Ordinal))
        {
            using var client = await RawSipClient.TcpAsync(stack.TcpEndPoint!.Value.EndPoint);
            client.Send(Rfc4475.Load(name));
            client.Send(client.Options("probe-" + name, "z9hG4bKprobe" + name));
            client.ShutdownSend();
            var answers = await CollectUntilProbeAsync(client, name);
            // Over TCP a message without Content-Length cannot be framed (RFC 3261 §18.3): the connection closes, no answer.
            if (answers.Count > 0) answered++;
            // mcl01's two Content-Length values make the stream unframeable: closing is the only safe answer on TCP.
            if (name == "mcl01" && answers.Count == 0) continue;
            Check(name, answers, failures);
        }
        using var last = await RawSipClient.TcpAsync(stack.TcpEndPoint!.Value.EndPoint);
        last.Send(last.Options("final", "z9hG4bKfinal"));
        await last.ExpectResponseAsync(200);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(answered >= 30, $"only {answered} torture messages were answered over TCP");
    }

    private static async Task<SipStack> StartAsync()
    {
        var stack = new SipStack(new SipStackSettings { Port = 0 }, NullLoggerFactory.Instance) { IncomingCallHandler = new TestCallHandler(TestCallMode.Reject) };
        await stack.StartAsync(CancellationToken.None);
        return stack;
    }

    private static void Check(string name, List<SipResponse> answers, List<string> failures)
    {
        var finals = answers.Where(r => r.StatusCode >= 200).Select(r => r.StatusCode).ToList();
        if (!MayGet2xx.Contains(name) && finals.Any(c => c < 300)) failures.Add($"{name}: got 2xx ({string.Join(",", finals)})");
        if (Expected.TryGetValue(name, out var want) && !finals.Contains(want)) failures.Add($"{name}: expected {want}, got [{string.Join(",", finals)}]");
    }

    private static async Task<List<SipResponse>> CollectUntilProbeAsync(RawSipClient client, string name)
    {
        var answers = new List<SipResponse>();
        while (true)
        {
            var raw = await client.ReceiveRawAsync(TimeSpan.FromSeconds(15));
            if (raw is null) return answers;
            if (!SipParser.Default.TryParse(raw, out var msg, out _) || msg is not SipResponse response) continue;
            if (response.CallId == "probe-" + name) return answers;
            answers.Add(response);
        }
    }
}
