using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Ivr.Tests.EndToEnd;

namespace Ivr.Tests.Cluster;

/// <summary>
/// Several real <c>ivr serve</c> nodes on 127.0.0.2, .3, .4… (each with its own SIP port, HTTP port and data folder) behind
/// a real Kamailio with the repository's configuration; all of them stopped and their folders removed on dispose.
/// </summary>
internal sealed class KamailioRig : IAsyncDisposable
{
    public const string AdminToken = "kamailio-rig-admin";

    private readonly List<string> _dataFolders = [];

    private KamailioRig()
    {
    }

    /// <summary>The nodes, in the order they were started (node 1 on 127.0.0.2).</summary>
    public List<EngineProcess> Nodes { get; } = [];

    public KamailioProcess Kamailio { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Starts <paramref name="count"/> nodes in parallel with the e2e flows (<c>hotline</c>: greeting then the engine hangs up;
    /// <c>hold</c>: a menu that waits for the caller), plus <paramref name="perNode"/>'s extra arguments for node <c>k</c>
    /// (1-based, e.g. <c>--set Cluster:…</c>), then Kamailio in front, and waits until the dispatcher sees every node active.
    /// </summary>
    public static async Task<KamailioRig> StartAsync(int count, Func<int, IEnumerable<string>>? perNode = null)
    {
        var rig = new KamailioRig();
        try
        {
            var starts = Enumerable.Range(1, count).Select(k =>
            {
                var data = Directory.CreateTempSubdirectory("ivr-node-").FullName;
                rig._dataFolders.Add(data);
                string[] args =
                [
                    "--data", data, "--flows", "Ivr.Tests/TestData/flows/e2e",
                    "--set", "Flows:Map:hotline=greet", "--set", "Flows:Map:hold=dtmf-branch",
                    "--set", "Ops:AdminToken=" + AdminToken, "--set", "Speech:Engine=none",
                    .. perNode?.Invoke(k) ?? [],
                ];
                return EngineProcess.StartOnAsync("127.0.0." + (k + 1).ToString(CultureInfo.InvariantCulture), args);
            }).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                // Whatever started is the rig's to stop, also when another node failed to start.
                rig.Nodes.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }
            rig.Kamailio = await KamailioProcess.StartAsync(rig.Nodes.Select(n => n.Target));
            await rig.Kamailio.WaitForStatesAsync(rig.Nodes.ToDictionary(Uri, _ => "AP"), TimeSpan.FromSeconds(30));
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    /// <summary>The dispatcher URI of a node, as <c>kamcmd dispatcher.list</c> shows it.</summary>
    public static string Uri(EngineProcess node) => "sip:" + node.Target;

    /// <summary>A node's <c>/api/status</c> call figures.</summary>
    public async Task<NodeCalls> CallsAsync(EngineProcess node)
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(node.HttpBase + "/api/status"));
        var calls = doc.RootElement.GetProperty("calls");
        var ended = calls.GetProperty("ended").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        var rejected = calls.GetProperty("rejected").EnumerateObject().Sum(p => p.Value.GetInt64());
        var requests = doc.RootElement.GetProperty("sip").GetProperty("requests").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        return new NodeCalls(calls.GetProperty("active").GetInt64(), calls.GetProperty("started").GetInt64(), calls.GetProperty("failed").GetInt64(), rejected, ended)
        {
            Requests = requests,
        };
    }

    /// <summary>Polls (bounded) until <paramref name="done"/> holds for every node's figures; returns them.</summary>
    public async Task<IReadOnlyList<NodeCalls>> WaitForCallsAsync(IEnumerable<EngineProcess> nodes, Func<IReadOnlyList<NodeCalls>, bool> done, TimeSpan timeout)
    {
        var list = nodes.ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var figures = new List<NodeCalls>();
            foreach (var n in list) figures.Add(await CallsAsync(n));
            if (done(figures)) return figures;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("call figures not reached: " + string.Join("; ", figures));
            await Task.Delay(250);
        }
    }

    /// <summary><c>POST /api/drain</c> on <paramref name="node"/>.</summary>
    public async Task DrainAsync(EngineProcess node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, node.HttpBase + "/api/drain");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (Kamailio is not null) await Kamailio.DisposeAsync();
        foreach (var node in Nodes) await node.DisposeAsync();
        Http.Dispose();
        foreach (var folder in _dataFolders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>One node's call figures from <c>/api/status</c>.</summary>
internal sealed record NodeCalls(long Active, long Started, long Failed, long Rejected, IReadOnlyDictionary<string, long> Ended)
{
    /// <summary>SIP requests the node received, by method (<c>/api/status</c> <c>sip.requests</c>).</summary>
    public IReadOnlyDictionary<string, long> Requests { get; init; } = new Dictionary<string, long>();

    public long EndedBy(string outcome) => Ended.TryGetValue(outcome, out var n) ? n : 0;

    public long RequestsOf(string method) => Requests.TryGetValue(method, out var n) ? n : 0;

    public long EndedTotal => Ended.Values.Sum();

    public override string ToString() =>
        $"active {Active} started {Started} failed {Failed} rejected {Rejected} ended {{{string.Join(", ", Ended.Select(e => e.Key + ": " + e.Value))}}} " +
        $"requests {{{string.Join(", ", Requests.Select(e => e.Key + ": " + e.Value))}}}";
}
