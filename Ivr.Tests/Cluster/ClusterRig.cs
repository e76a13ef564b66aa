using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ivr.Tests.EndToEnd;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.Cluster;

/// <summary>
/// Three real <c>ivr serve</c> processes as one cluster on loopback: node <i>n</i> answers SIP on 127.0.0.<i>n</i>, its
/// cluster transport on a free TCP port of 127.0.0.1, each with its own data folder; one shared <c>agents.json</c> (one
/// agent, <c>a1</c>, on skill billing, starting away) and the queue test flow for <c>hotline</c>.
/// </summary>
internal sealed partial class ClusterRig : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _folder;
    private readonly int[] _clusterPorts;

    private readonly string[] _extra;
    private readonly string _flows;
    private readonly bool _everyNodeSeeds;
    private readonly int[] _sipPorts;
    private readonly List<string>[] _pastLogs;
    // The nodes log the local time of day only: this anchors it to a date (a run that crosses midnight).
    private readonly DateTime _startedLocal = TimeProvider.System.GetLocalNow().DateTime;

    private ClusterRig(string folder, int nodes, string[] extra, string flows, bool everyNodeSeeds)
    {
        _folder = folder;
        _extra = extra;
        _flows = flows;
        _everyNodeSeeds = everyNodeSeeds;
        _clusterPorts = [.. Enumerable.Range(0, nodes).Select(_ => FreeTcpPort())];
        _sipPorts = new int[nodes];
        _pastLogs = [.. Enumerable.Range(0, nodes).Select(_ => new List<string>())];
        Nodes = new EngineProcess[nodes];
    }

    /// <summary>The nodes, index 0 on 127.0.0.2 (the seed), 1 on 127.0.0.3, 2 on 127.0.0.4.</summary>
    public EngineProcess[] Nodes { get; }

    /// <summary>
    /// Writes <c>agents.json</c> with agent a1 at <paramref name="agentPort"/> (and, given <paramref name="sipPassword"/>, a
    /// SIP account <c>a1</c> to register with) and starts the seed, then the others, each with <paramref name="extra"/>
    /// arguments last (e.g. <c>--set Storage:…</c>, or a shorter <c>Cluster:DownAfter</c>). <paramref name="flows"/> replaces the
    /// flow folder (the queue test flow's by default); <paramref name="everyNodeSeeds"/> lists every node as a seed (not only the
    /// first), so that any node, the first included, can be restarted and join the others (<see cref="RestartAsync"/>).
    /// </summary>
    public static async Task<ClusterRig> StartAsync(int agentPort, int nodes = 3, string? sipPassword = null, string[]? extra = null,
        string flows = "Ivr.Tests/TestData/flows/queue", bool everyNodeSeeds = false)
    {
        var folder = Directory.CreateTempSubdirectory("ivr-cluster-").FullName;
        var document = new
        {
            wrapUpSeconds = 0,
            ringTimeoutSeconds = 5,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = new[]
            {
                new
                {
                    id = "a1", name = "Agent a1",
                    contact = $"sip:a1@127.0.0.1:{agentPort.ToString(CultureInfo.InvariantCulture)}",
                    skills = new[] { new { skill = "billing", level = 5 } },
                    sip = sipPassword is null ? null : new { user = "a1", password = sipPassword },
                },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "agents.json"),
            JsonSerializer.Serialize(document, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }));
        var rig = new ClusterRig(folder, nodes, extra ?? [], flows, everyNodeSeeds);
        try
        {
            // The seed forms the cluster; the others join it (their start waits until they are members).
            rig.Nodes[0] = await rig.StartNodeAsync(0);
            var others = await Task.WhenAll(Enumerable.Range(1, nodes - 1).Select(rig.StartNodeAsync));
            for (var i = 1; i < nodes; i++) rig.Nodes[i] = others[i - 1];
            for (var i = 0; i < nodes; i++) rig._sipPorts[i] = rig.Nodes[i].SipPort;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
        return rig;
    }

    /// <summary>Node <paramref name="index"/>'s SIP address and port, as sipp's target.</summary>
    public string SipTarget(int index) => $"{Address(index)}:{_sipPorts[index].ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Node <paramref name="index"/>'s SIP endpoint.</summary>
    public IPEndPoint SipEndPoint(int index) => new(IPAddress.Parse(Address(index)), _sipPorts[index]);

    public string Api(int index) => "http://127.0.0.1:" + Nodes[index].HttpPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The index of the node whose log says the router incarnation started there most recently, null if none yet.</summary>
    public int? RouterHost()
    {
        var latest = (At: DateTime.MinValue, Index: (int?)null);
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (Nodes[i].HasExited) continue;
            foreach (Match m in IncarnationStarted().Matches(Nodes[i].Log))
            {
                var at = _startedLocal.Date + TimeSpan.ParseExact(m.Groups["at"].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
                // Earlier in the day than the rig's start (a few minutes' slack for clocks): logged after midnight.
                if (at < _startedLocal - TimeSpan.FromMinutes(5)) at = at.AddDays(1);
                if (at > latest.At) latest = (at, i);
            }
        }
        return latest.Index;
    }

    /// <summary>Waits (bounded) until some node hosts the router and returns it.</summary>
    public async Task<int> WaitForRouterHostAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (RouterHost() is { } host) return host;
            await Task.Delay(100);
        }
        throw new TimeoutException("no node logged a router incarnation:\n" + AllLogs());
    }

    /// <summary>The billing line as node <paramref name="index"/>'s <c>/api/queues</c> shows it (null while it has none).</summary>
    public async Task<JsonElement?> QueueAsync(int index)
    {
        var queues = await Http.GetFromJsonAsync<JsonElement>(Api(index) + "/api/queues");
        foreach (var q in queues.EnumerateArray())
            if (q.GetProperty("skill").GetString() == "billing") return q;
        return null;
    }

    /// <summary>Polls node <paramref name="index"/>'s <c>/api/queues</c> until billing shows <paramref name="waiting"/> callers; returns the time it took.</summary>
    public async Task<TimeSpan> WaitForWaitingAsync(int index, int waiting, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = -1;
        while (clock.Elapsed < timeout)
        {
            try
            {
                if (await QueueAsync(index) is { } q && (last = q.GetProperty("waiting").GetInt32()) == waiting) return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"node {index} showed {last} waiting, not {waiting}, within {timeout}:\n" + AllLogs());
    }

    /// <summary>
    /// A sipp caller (<c>uac_queue_wait_bye.xml</c>) straight to node <paramref name="node"/>'s <c>hotline</c> that waits in the
    /// billing line until the engine hangs up; its Call-ID starts with <c>callerNN</c> (<paramref name="k"/>), as
    /// <see cref="Deliveries"/> reads it.
    /// </summary>
    public SippProcess QueueCaller(int node, int k, TimeSpan timeout) =>
        SippProcess.Start(SippProcess.FreeUdpPort(), timeout, SipTarget(node),
            "-sf", SippProcess.Scenario("uac_queue_wait_bye.xml"), "-s", "hotline", "-m", "1",
            "-key", "rtp_port", SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture),
            "-cid_str", "caller" + k.ToString("00", CultureInfo.InvariantCulture) + "-%u-%p");

    public async Task<HttpResponseMessage> SetAgentStateAsync(int index, string agent, string state) =>
        await Http.PostAsJsonAsync($"{Api(index)}/api/agents/{agent}/state", new { state });

    /// <summary>The call ids the router gave to agent a1, in the order of the hosting nodes' logs (one list per node).</summary>
    public IReadOnlyList<(int Node, string CallId)> Deliveries() =>
        [.. Nodes.SelectMany((n, i) => Delivered().Matches(string.Concat(_pastLogs[i]) + n.Log).Select(m => (i, m.Groups["call"].Value)))];

    /// <summary>
    /// Stops node <paramref name="index"/> as an operator does (SIGTERM: it drains, hands the router off, leaves the cluster
    /// and exits) and waits, bounded by <paramref name="timeout"/>, for its exit code; its log is kept for <see cref="AllLogs"/>.
    /// </summary>
    public async Task<int> StopAsync(int index, TimeSpan timeout)
    {
        await BeginStopAsync(index);
        return await WaitForStopAsync(index, timeout);
    }

    /// <summary>The log of node <paramref name="index"/>'s previous process (the one <see cref="WaitForStopAsync"/> saw exit), empty if none.</summary>
    public string PreviousLog(int index) => _pastLogs[index].LastOrDefault() ?? "";

    /// <summary>Sends node <paramref name="index"/> SIGTERM (once: a second one would hang its calls up) without waiting for it.</summary>
    public async Task BeginStopAsync(int index)
    {
        using var term = Process.Start("kill", ["-TERM", Nodes[index].Id.ToString(CultureInfo.InvariantCulture)]);
        await term.WaitForExitAsync();
    }

    /// <summary>Waits, bounded, for node <paramref name="index"/> to exit after <see cref="BeginStopAsync"/>; returns its exit code and keeps its log.</summary>
    public async Task<int> WaitForStopAsync(int index, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Nodes[index].HasExited)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"node {index} still runs {timeout} after SIGTERM:\n" + Nodes[index].Log);
            await Task.Delay(100);
        }
        _pastLogs[index].Add(Nodes[index].Log);
        return Nodes[index].ExitCode;
    }

    /// <summary>Starts node <paramref name="index"/> again (after <see cref="StopAsync"/>) on the same SIP address and port, cluster port and data folder.</summary>
    public async Task RestartAsync(int index)
    {
        await Nodes[index].DisposeAsync();
        Nodes[index] = await StartNodeAsync(index);
    }

    /// <summary>Kills node <paramref name="index"/> at once (SIGKILL: no drain, no leaving the cluster).</summary>
    public async Task KillAsync(int index)
    {
        using (var kill = Process.Start("kill", ["-9", Nodes[index].Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!Nodes[index].HasExited) await Task.Delay(50, cts.Token);
    }

    public string AllLogs() =>
        string.Join("\n", Nodes.Select((n, i) => $"===== node {i} ({Address(i)}) =====\n" + string.Concat(_pastLogs[i].Select(l => l + "----- (restarted) -----\n")) + (n?.Log ?? "(not started)")));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            if (node is not null) await node.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Address(int index) => "127.0.0." + (index + 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>A TCP port free on 127.0.0.1 now (for a node's cluster transport).</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<EngineProcess> StartNodeAsync(int index)
    {
        var name = "n" + (index + 1).ToString(CultureInfo.InvariantCulture);
        var port = _clusterPorts[index].ToString(CultureInfo.InvariantCulture);
        var seeds = (_everyNodeSeeds ? _clusterPorts : _clusterPorts[..1])
            .SelectMany((p, i) => new[] { "--set", $"Cluster:Seeds:{i.ToString(CultureInfo.InvariantCulture)}=127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}" });
        // A restart keeps the SIP port: Kamailio's dispatcher list names it (the last --set wins over --port).
        string[] sipPort = _sipPorts[index] == 0 ? [] : ["--set", "Sip:Port=" + _sipPorts[index].ToString(CultureInfo.InvariantCulture)];
        return EngineProcess.StartAsync(
        [
            "--flows", _flows,
            "--data", Path.Combine(_folder, name),
            "--address", Address(index),
            "--set", "Flows:Map:hotline=queue",
            "--set", "Routing:AgentsFile=" + Path.Combine(_folder, "agents.json"),
            "--set", "Routing:InitialAgentState=Away",
            "--set", "Routing:CheckInterval=00:00:01",
            "--set", "Cluster:Enabled=true",
            "--set", "Cluster:Node=" + name,
            "--set", "Cluster:Host=127.0.0.1",
            "--set", "Cluster:Port=" + port,
            .. seeds,
            "--set", "Cluster:DownAfter=00:00:02",
            "--set", "Cluster:JoinTimeout=00:00:40",
            .. _extra,
            .. sipPort,
        ]);
    }

    [GeneratedRegex(@"^(?<at>\d\d:\d\d:\d\d\.\d{3}) .*Router incarnation \S+ started on", RegexOptions.Multiline)]
    private static partial Regex IncarnationStarted();

    [GeneratedRegex(@"Call (?<call>\S+) goes to agent a1 ")]
    private static partial Regex Delivered();
}
