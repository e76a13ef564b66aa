using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Ivr.Engine.Media;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The real <c>ivr serve</c> with the router on a throw-away data folder and <c>agents.json</c>, running the queue test
/// flow for <c>hotline</c>; plus its HTTP API.
/// </summary>
internal sealed class RouterRig : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RouterRig(string folder, EngineProcess engine)
    {
        Folder = folder;
        Engine = engine;
    }

    public string Folder { get; }

    public string DataFolder => Path.Combine(Folder, "data");

    public EngineProcess Engine { get; private set; }

    public string Api => "http://127.0.0.1:" + Engine.HttpPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes <c>agents.json</c> for <paramref name="agents"/> (id, SIP port, level) on skill billing and starts the engine.</summary>
    public static async Task<RouterRig> StartAsync(IReadOnlyList<(string Id, int Port, int Level)> agents, params string[] extra)
    {
        var rig = await CreateAsync(agents);
        rig.Engine = await rig.StartEngineAsync(extra);
        return rig;
    }

    /// <summary>Writes <c>agents.json</c> for <paramref name="agents"/> in a new folder; the engine is started later with <see cref="StartEngineAsync"/>.</summary>
    public static async Task<RouterRig> CreateAsync(IReadOnlyList<(string Id, int Port, int Level)> agents)
    {
        var folder = Directory.CreateTempSubdirectory("ivr-router-").FullName;
        var document = new
        {
            wrapUpSeconds = 1,
            ringTimeoutSeconds = 2,
            skills = new[] { new { id = "billing", serviceLevelSeconds = 20 } },
            agents = agents.Select(a => new
            {
                id = a.Id,
                name = "Agent " + a.Id,
                contact = $"sip:{a.Id}@127.0.0.1:{a.Port.ToString(CultureInfo.InvariantCulture)}",
                skills = new[] { new { skill = "billing", level = a.Level } },
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "agents.json"), JsonSerializer.Serialize(document));
        return new RouterRig(folder, null!);
    }

    /// <summary>Starts (again) the engine on the same folder: same <c>agents.json</c>, same SQLite data.</summary>
    public async Task<EngineProcess> StartEngineAsync(params string[] extra)
    {
        string[] args =
        [
            "--flows", "Ivr.Tests/TestData/flows/queue", "--data", DataFolder,
            "--set", "Flows:Map:hotline=queue",
            "--set", "Routing:AgentsFile=" + Path.Combine(Folder, "agents.json"),
            "--set", "Routing:CheckInterval=00:00:01",
            .. extra,
        ];
        Engine = await EngineProcess.StartAsync(args);
        return Engine;
    }

    public async Task<JsonElement> GetAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(Api + path);

    public async Task<HttpResponseMessage> SetAgentStateAsync(string agent, string state) =>
        await Http.PostAsJsonAsync($"{Api}/api/agents/{agent}/state", new { state });

    public async Task<JsonElement> QueueAsync(string skill = "billing")
    {
        var queues = await GetAsync("/api/queues");
        return queues.EnumerateArray().Single(q => q.GetProperty("skill").GetString() == skill);
    }

    public async Task<string> AgentStateAsync(string agent)
    {
        var agents = await GetAsync("/api/agents");
        return agents.EnumerateArray().Single(a => a.GetProperty("id").GetString() == agent).GetProperty("state").GetString()!;
    }

    public static HttpClient Client => Http;

    public async ValueTask DisposeAsync()
    {
        if (Engine is not null) await Engine.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A caller's media end owned by the test: the caller's SDP points here; once the engine's first packet shows where its
/// RTP comes from, it sends PCMU packets of one constant code every 20 ms there (symmetric RTP), and counts the packets
/// that come back carrying that same code — which only the agent's echo can produce.
/// </summary>
internal sealed class PatternRtpPeer : IDisposable
{
    public const byte Code = 0xA5;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _received;
    private int _echoed;

    public PatternRtpPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = Task.Run(RunAsync);
    }

    public int Port { get; }

    public int Received => Volatile.Read(ref _received);

    /// <summary>Packets whose payload is all <see cref="Code"/> after G.711 decode and re-encode (the bridge transcodes through PCM).</summary>
    public int Echoed => Volatile.Read(ref _echoed);

    private async Task RunAsync()
    {
        var expected = G711.EncodeMuLaw(G711.DecodeMuLaw(Code));
        var buffer = new byte[2048];
        EndPoint? engine = null;
        var sequence = 0;
        var next = DateTime.UtcNow;
        var packet = new byte[172];
        packet[0] = 0x80;
        packet.AsSpan(12).Fill(Code);
        while (!_stop.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            tick.CancelAfter(TimeSpan.FromMilliseconds(10));
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), tick.Token);
                Interlocked.Increment(ref _received);
                if (engine is null)
                {
                    engine = result.RemoteEndPoint;
                    next = DateTime.UtcNow;
                }
                if (result.ReceivedBytes == 172 && buffer.AsSpan(12, 160).IndexOfAnyExcept(expected) < 0) Interlocked.Increment(ref _echoed);
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
            if (engine is null || DateTime.UtcNow < next) continue;
            next = next.AddMilliseconds(20);
            packet[2] = (byte)(sequence >> 8);
            packet[3] = (byte)sequence;
            var timestamp = sequence * 160;
            packet[4] = (byte)(timestamp >> 24);
            packet[5] = (byte)(timestamp >> 16);
            packet[6] = (byte)(timestamp >> 8);
            packet[7] = (byte)timestamp;
            packet[11] = 0x42;
            sequence++;
            try
            {
                await _socket.SendToAsync(packet, SocketFlags.None, engine);
            }
            catch (SocketException)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _socket.Dispose();
        _stop.Dispose();
    }
}
