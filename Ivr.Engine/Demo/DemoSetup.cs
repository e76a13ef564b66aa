using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ivr.Engine.Hosting;

namespace Ivr.Engine.Demo;

/// <summary>
/// Points the engine at the demo's simulated phones before it starts: a copy of the agents file whose contacts are the
/// demo's SIP port (written to <c>data/demo/agents.json</c>), callbacks dialled to that port and paced for a demo, and the
/// demo number mapped to the demo flow. Everything else — the router, dial plan, stores, flows — is the engine's real configuration.
/// </summary>
public static class DemoSetup
{
    /// <summary>Rewrites <paramref name="options"/> for the demo (no-op unless <see cref="DemoOptions.Enabled"/>); returns the agents file written.</summary>
    public static string? Apply(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var demo = options.Demo;
        if (!demo.Enabled) return null;
        if (demo.Port == 0) demo.Port = FreeUdpPort();
        var port = demo.Port.ToString(CultureInfo.InvariantCulture);

        var source = RoutingHosting.LocateFile(options.Routing.AgentsFile);
        if (!File.Exists(source)) throw new InvalidOperationException($"Demo: no agents file at {source} to simulate agents from.");
        var root = JsonNode.Parse(File.ReadAllText(source), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            ?? throw new InvalidOperationException($"Demo: {source} is empty.");
        var agents = root["agents"] as JsonArray ?? throw new InvalidOperationException($"Demo: {source} has no agents.");
        foreach (var agent in agents.OfType<JsonObject>())
        {
            var id = agent["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"Demo: an agent of {source} has no id.");
            agent["contact"] = $"sip:{id}@127.0.0.1:{port}";
        }

        var folder = Path.GetFullPath(Path.Combine(options.Data.Folder, "demo"));
        Directory.CreateDirectory(folder);
        var schema = Path.Combine(Path.GetDirectoryName(source)!, "agents.schema.json");
        if (File.Exists(schema)) root["$schema"] = Path.GetRelativePath(folder, schema).Replace('\\', '/');
        var target = Path.Combine(folder, "agents.json");
        File.WriteAllText(target, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        options.Routing.AgentsFile = target;
        options.Routing.CallbackTrunk = $"sip:{{number}}@127.0.0.1:{port}";
        options.Routing.CallbackMaxDeferral = demo.CallbackMaxDeferral;
        options.Routing.CallbackRetryBackoff = demo.CallbackRetryBackoff;
        options.Flows.Map[demo.Number] = demo.Flow;
        return target;
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
