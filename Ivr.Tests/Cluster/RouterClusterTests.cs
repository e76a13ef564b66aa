using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ivr.Tests.EndToEnd;
using Ivr.Engine.Sip;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Auth;
using Ivr.Tests.Sip.Stack;
using Xunit.Abstractions;

namespace Ivr.Tests.Cluster;

/// <summary>
/// The skill router as one sharded entity across three real <c>ivr serve</c> processes (<see cref="ClusterRig"/>): sipp
/// callers enter on different nodes and wait in one line; a sipp UAS is the agent's phone, made ready over HTTP on a node
/// that does not host the router; and when the node hosting the router is killed, the survivors' callers keep their places.
/// </summary>
[Collection(ClusterCollection.Name)]
public class RouterClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task CallersOnThreeNodes_WaitInOneLine_AndAreDeliveredInArrivalOrder_EachExactlyOnce()
    {
        const int callers = 12;
        var agentPort = SippProcess.FreeUdpPort();
        await using var rig = await ClusterRig.StartAsync(agentPort);
        var host = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"router entity on node {host}");
        using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", callers.ToString(CultureInfo.InvariantCulture), "-d", "300");
        var calls = new List<SippProcess>();
        try
        {
            for (var k = 1; k <= callers; k++)
            {
                calls.Add(rig.QueueCaller(k % 3, k, Bound));
                // The next caller enters once this one is in the line, as another node's /api/queues shows it.
                await rig.WaitForWaitingAsync((k + 1) % 3, k, TimeSpan.FromSeconds(30));
            }
            var other = Enumerable.Range(0, 3).First(i => i != host);
            var ready = await rig.SetAgentStateAsync(other, "a1", "ready");
            Assert.True(ready.IsSuccessStatusCode, $"setting a1 ready on node {other}: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");

            for (var k = 1; k <= callers; k++)
                Assert.True(await calls[k - 1].WaitAsync(Bound) == 0, $"caller {k} failed:\n{calls[k - 1].Output}\n{rig.AllLogs()}");
            Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());
        }
        finally
        {
            foreach (var call in calls) call.Dispose();
        }

        var deliveries = rig.Deliveries();
        output.WriteLine("deliveries: " + string.Join(", ", deliveries.Select(d => $"{Caller(d.CallId)}@n{d.Node}")));
        Assert.All(deliveries, d => Assert.Equal(host, d.Node));
        Assert.Equal(Enumerable.Range(1, callers).Select(Name), deliveries.Select(d => Caller(d.CallId)));
    }

    [Fact]
    public async Task NodeHostingTheRouterKilled_SurvivorsCallersKeepTheirOrder_AndAreDeliveredInIt()
    {
        const int callers = 6;
        var agentPort = SippProcess.FreeUdpPort();
        await using var rig = await ClusterRig.StartAsync(agentPort);
        var host = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var calls = new List<(int Node, string Name, SippProcess Sipp)>();
        try
        {
            for (var k = 1; k <= callers; k++)
            {
                calls.Add((k % 3, Name(k), rig.QueueCaller(k % 3, k, Bound)));
                await rig.WaitForWaitingAsync((k + 1) % 3, k, TimeSpan.FromSeconds(30));
            }
            var survivors = calls.Where(c => c.Node != host).ToList();
            var survivor = survivors[0].Node;

            var clock = Stopwatch.StartNew();
            await rig.KillAsync(host);
            var rebuilt = await rig.WaitForWaitingAsync(survivor, survivors.Count, TimeSpan.FromSeconds(30));
            output.WriteLine($"node {host} (router host) killed; node {survivor} showed the {survivors.Count} survivors' callers waiting after {rebuilt.TotalSeconds:F1} s");
            var newHost = rig.RouterHost();
            Assert.True(newHost is { } h && h != host, $"router host after the kill: {newHost}");
            Assert.True(rebuilt < TimeSpan.FromSeconds(15), $"the line was rebuilt on a survivor after {rebuilt.TotalSeconds:F1} s (over 15 s)");

            using var agent = SippProcess.Start(agentPort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", survivors.Count.ToString(CultureInfo.InvariantCulture), "-d", "300");
            var ready = await rig.SetAgentStateAsync(survivor, "a1", "ready");
            Assert.True(ready.IsSuccessStatusCode, $"setting a1 ready: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
            foreach (var call in survivors)
                Assert.True(await call.Sipp.WaitAsync(Bound) == 0, $"{call.Name} on node {call.Node} failed:\n{call.Sipp.Output}\n{rig.AllLogs()}");
            Assert.True(await agent.WaitAsync(Bound) == 0, "agent sipp failed:\n" + agent.Output + "\n" + rig.AllLogs());

            var deliveries = rig.Deliveries();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s after the kill; deliveries: " + string.Join(", ", deliveries.Select(d => $"{Caller(d.CallId)}@n{d.Node}")));
            Assert.All(deliveries, d => Assert.Equal(newHost, d.Node));
            Assert.Equal(survivors.Select(c => c.Name), deliveries.Select(d => Caller(d.CallId)));
        }
        finally
        {
            foreach (var call in calls) call.Sipp.Dispose();
        }
    }

    [Fact]
    public async Task AgentRegisteredOnOneNode_IsRungThereForACallerOnAnotherNode_DecidedOnTheThird()
    {
        var deadPort = SippProcess.FreeUdpPort();
        var phonePort = SippProcess.FreeUdpPort();
        await using var rig = await ClusterRig.StartAsync(deadPort, sipPassword: "phone-secret");
        var host = await rig.WaitForRouterHostAsync(TimeSpan.FromSeconds(60));
        var registrarNode = (host + 1) % 3;
        var callNode = (host + 2) % 3;

        var contact = $"sip:a1@127.0.0.1:{phonePort.ToString(CultureInfo.InvariantCulture)}";
        using (var phone = RawSipClient.Udp(rig.SipEndPoint(registrarNode)))
        {
            phone.Send(Register(phone.Port, "z9hG4bKcreg1", 1, contact, authorization: null));
            var challenge = (await phone.ExpectResponseAsync(401)).Headers.GetValues(SipHeaderNames.WwwAuthenticate).First();
            var authorization = TestDigestClient.Authorization(challenge, "a1", "phone-secret", "REGISTER", "sip:127.0.0.1");
            phone.Send(Register(phone.Port, "z9hG4bKcreg2", 2, contact, authorization));
            await phone.ExpectResponseAsync(200);
        }
        await rig.Nodes[host].WaitForLogAsync($"Agent a1 registered at {contact} on", TimeSpan.FromSeconds(30));

        using var agent = SippProcess.Start(phonePort, Bound, "-sf", SippProcess.Scenario("uas_agent_answer_bye.xml"), "-m", "1", "-d", "300");
        using var caller = rig.QueueCaller(callNode, 1, Bound);
        await rig.WaitForWaitingAsync(registrarNode, 1, TimeSpan.FromSeconds(30));
        var ready = await rig.SetAgentStateAsync(registrarNode, "a1", "ready");
        Assert.True(ready.IsSuccessStatusCode, $"setting a1 ready: {(int)ready.StatusCode}");

        Assert.True(await agent.WaitAsync(Bound) == 0, "the phone registered on another node was not called:\n" + agent.Output + "\n" + rig.AllLogs());
        Assert.True(await caller.WaitAsync(Bound) == 0, "caller sipp failed:\n" + caller.Output + "\n" + rig.AllLogs());
        Assert.Contains($"goes to agent a1 at {contact}", rig.Nodes[host].Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongSeed_FailsWithinTheJoinTimeout_WithOneLineOnStderr_AndExitCode2()
    {
        var port = ClusterRig.FreeTcpPort();
        var unused = ClusterRig.FreeTcpPort();
        var clock = Stopwatch.StartNew();
        var run = await ServeAsync(port, "--set", $"Cluster:Seeds:0=127.0.0.1:{unused.ToString(CultureInfo.InvariantCulture)}", "--set", "Cluster:JoinTimeout=00:00:04");

        output.WriteLine($"exit {run.Exit} after {clock.Elapsed.TotalSeconds:F1} s; stderr: {run.Error}");
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"ivr serve: cluster: not a member after 4 s: no seed of [127.0.0.1:{unused}] answered", line, StringComparison.Ordinal);
        Assert.Contains("--set Cluster:Seeds:0=HOST:PORT", line, StringComparison.Ordinal);
        Assert.Equal(2, run.Exit);
        // It never opened SIP: a node outside the cluster takes no calls.
        Assert.DoesNotContain("SIP listening", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClusterPortTaken_IsOneLineOnStderr_NamingTheOption_AndExitCode2()
    {
        var port = ClusterRig.FreeTcpPort();
        using var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();

        var run = await ServeAsync(port, "--set", $"Cluster:Seeds:0=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"ivr serve: cluster (TCP) 127.0.0.1:{port}: cannot listen", line, StringComparison.Ordinal);
        Assert.EndsWith("choose another with --set Cluster:Port=PORT (Cluster:Host)", line, StringComparison.Ordinal);
        Assert.Equal(2, run.Exit);
    }

    private static async Task<(int Exit, string Output, string Error)> ServeAsync(int clusterPort, params string[] extra)
    {
        var data = Directory.CreateTempSubdirectory("ivr-cluster-start-").FullName;
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ivr"))
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "serve", "--port", SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture),
            "--http", "http://127.0.0.1:" + SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture), "--data", data,
            "--set", "Cluster:Enabled=true", "--set", "Cluster:Host=127.0.0.1", "--set", "Cluster:Port=" + clusterPort.ToString(CultureInfo.InvariantCulture),
            .. extra,
        ];
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ivr serve did not exit within 90 s:\n" + await stdout);
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Register(int port, string branch, int cseq, string contact, string? authorization) =>
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};branch={branch};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:a1@127.0.0.1>;tag=cph1\r\n" +
        "To: <sip:a1@127.0.0.1>\r\n" +
        "Call-ID: cluster-registered-agent-1@127.0.0.1\r\n" +
        $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} REGISTER\r\n" +
        $"Contact: <{contact}>\r\n" +
        "Expires: 300\r\n" +
        (authorization is null ? string.Empty : $"Authorization: {authorization}\r\n") +
        "Content-Length: 0\r\n\r\n";

    private static string Name(int k) => "caller" + k.ToString("00", CultureInfo.InvariantCulture);

    private static string Caller(string callId) => callId.Split('-')[0];
}
