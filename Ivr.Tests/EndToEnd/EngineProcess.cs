using System.Diagnostics;
using System.Globalization;
using System.Text;
using Ivr.Tests.Flows.Loading;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// The engine as an operator runs it: the built <c>ivr</c> binary started with <c>serve</c> from the repository folder,
/// on free loopback ports; stopped with SIGINT (drain) or killed on dispose. Its log lines are collected.
/// </summary>
internal sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Needle, TaskCompletionSource<string> Seen)> _waiters = [];
    private string? _ownDataFolder;

    private EngineProcess(Process process, string sipAddress, int sipPort, int httpPort)
    {
        _process = process;
        SipAddress = sipAddress;
        SipPort = sipPort;
        HttpPort = httpPort;
    }

    /// <summary>The address SIP (and RTP) listen on: 127.0.0.1 unless the test chose another loopback address.</summary>
    public string SipAddress { get; }

    public int SipPort { get; }

    public int HttpPort { get; }

    public string Target => SipAddress + ":" + SipPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>The HTTP base URL (health, ops API, metrics), always on 127.0.0.1.</summary>
    public string HttpBase => "http://127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// Starts <c>ivr serve</c> with extra arguments and waits (bounded) until SIP and HTTP listen. Without a data folder in
    /// <paramref name="args"/> (<c>--data</c> or <c>Data:Folder</c>) the engine gets a temp one of its own, removed on
    /// dispose: engines of tests running side by side never share a SQLite store, an event outbox or recordings.
    /// </summary>
    public static Task<EngineProcess> StartAsync(params string[] args) => StartServeAsync(args, null);

    /// <summary>
    /// Starts <c>ivr serve</c> with SIP and RTP on <paramref name="sipAddress"/> (another loopback address, e.g. 127.0.0.2, is
    /// another node), a free SIP port on that address and <paramref name="args"/> (e.g. per-node <c>--set</c> settings).
    /// </summary>
    public static Task<EngineProcess> StartOnAsync(string sipAddress, IEnumerable<string> args) => StartServeAsync([.. args], sipAddress);

    private static async Task<EngineProcess> StartServeAsync(string[] args, string? sipAddress)
    {
        var namesData = args.Any(a => a == "--data" || a.StartsWith("Data:Folder=", StringComparison.Ordinal));
        var ownData = namesData ? null : Directory.CreateTempSubdirectory("ivr-engine-data-").FullName;
        string[] data = ownData is null ? [] : ["--data", ownData];
        try
        {
            var engine = await StartCommandAsync(Path.Combine(AppContext.BaseDirectory, "ivr"), RepoPaths.Root, ["serve", .. data, .. args], sipAddress);
            engine._ownDataFolder = ownData;
            return engine;
        }
        catch when (ownData is not null)
        {
            DeleteFolder(ownData);
            throw;
        }
    }

    /// <summary>
    /// Starts <paramref name="command"/> (the <c>ivr</c> binary, or a script that runs <c>serve</c>, e.g. <c>run.sh</c>) in
    /// <paramref name="workingDirectory"/> with <paramref name="args"/> then <c>--port</c> and <c>--http</c> on free loopback
    /// ports (and <c>--address</c> when <paramref name="sipAddress"/> is given), and waits (bounded) until SIP and HTTP
    /// listen. A start that fails or times out kills what it started before throwing.
    /// </summary>
    public static async Task<EngineProcess> StartCommandAsync(string command, string workingDirectory, IEnumerable<string> args, string? sipAddress = null)
    {
        var sipPort = FreeUdpPortOn(sipAddress ?? "127.0.0.1");
        var httpPort = SippProcess.FreeUdpPort();
        var psi = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (sipAddress is not null)
        {
            psi.ArgumentList.Add("--address");
            psi.ArgumentList.Add(sipAddress);
        }
        foreach (var a in new[] { "--port", sipPort.ToString(CultureInfo.InvariantCulture), "--http", $"http://127.0.0.1:{httpPort}" })
            psi.ArgumentList.Add(a);
        var engine = new EngineProcess(new Process { StartInfo = psi }, sipAddress ?? "127.0.0.1", sipPort, httpPort);
        engine._process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        engine._process.Start();
        try
        {
            engine._process.BeginOutputReadLine();
            engine._process.BeginErrorReadLine();
            var ready = engine.WaitForLogAsync("HTTP listening", TimeSpan.FromSeconds(60));
            var exited = engine._process.WaitForExitAsync();
            if (await Task.WhenAny(ready, exited) == exited)
                throw new InvalidOperationException("the engine exited at start:\n" + engine.Log);
            await ready;
            return engine;
        }
        catch
        {
            // A start that timed out (or whose wait failed) must not leave an engine holding ports for the rest of the run.
            await engine.DisposeAsync();
            throw;
        }
    }

    private static int FreeUdpPortOn(string address)
    {
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(address), 0));
        return ((System.Net.IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Completes with the first log line containing <paramref name="needle"/> (past or future); throws after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLogAsync(string needle, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_log)
        {
            var existing = _log.ToString().Split('\n').FirstOrDefault(l => l.Contains(needle, StringComparison.Ordinal));
            if (existing is not null) return existing;
            _waiters.Add((needle, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no log line with '{needle}' within {timeout}; log:\n{Log}");
        }
    }

    /// <summary>Raised for every log line as it arrives (on the reader thread), for tests that time what the engine says.</summary>
    public event Action<string>? LineReceived;

    private void Append(string? line)
    {
        if (line is null) return;
        LineReceived?.Invoke(line);
        lock (_log)
        {
            _log.AppendLine(line);
            foreach (var w in _waiters.Where(w => line.Contains(w.Needle, StringComparison.Ordinal)).ToList())
            {
                w.Seen.TrySetResult(line);
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>The PID of the process started (for a script that execs the engine, the engine's).</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Asks the engine to stop as Ctrl-C does (SIGINT → drain) and waits, bounded, for its exit code.</summary>
    public Task<int> InterruptAsync(TimeSpan timeout) => SignalAsync("INT", timeout);

    /// <summary>Sends <paramref name="signal"/> (<c>INT</c>, <c>TERM</c>) to the PID started and waits, bounded, for its exit code.</summary>
    public async Task<int> SignalAsync(string signal, TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the engine at once (SIGKILL, no drain): a node that dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        if (_ownDataFolder is not null) DeleteFolder(_ownDataFolder);
    }

    private static void DeleteFolder(string folder)
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
