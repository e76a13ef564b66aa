using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Ivr.Tests.Sip.Stack;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// baresip 1.0.0 as a headless SIP user agent on 127.0.0.1: its own config folder (PCMU only, an <c>aufile</c> audio
/// source, <c>sndfile</c> recording to <see cref="RecordingFolder"/>), driven over <c>ctrl_tcp</c> with netstring JSON
/// commands. Its output, command responses and events are collected; every wait is bounded; killed on dispose.
/// </summary>
internal sealed class BaresipProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();
    private readonly List<(string Needle, TaskCompletionSource<string> Seen)> _outputWaiters = [];
    private readonly List<JsonElement> _events = [];
    private readonly List<(string Type, TaskCompletionSource<JsonElement> Seen)> _eventWaiters = [];
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _pending = [];
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private TcpClient? _control;
    private Task? _readLoop;
    private int _nextToken;

    private BaresipProcess(Process process, string folder, int sipPort)
    {
        _process = process;
        _folder = folder;
        TlsPort = sipPort + 1;
    }

    /// <summary>Where baresip listens for SIP over TLS (its <c>sip_listen</c> port + 1).</summary>
    public int TlsPort { get; }

    /// <summary>Where the <c>sndfile</c> module writes <c>dump-*-enc.wav</c> (what it sent) and <c>dump-*-dec.wav</c> (what it heard).</summary>
    public string RecordingFolder => Path.Combine(_folder, "rec");

    /// <summary>Everything baresip printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// Writes a config folder in <paramref name="folder"/> whose audio source is <paramref name="sourceWav"/> (8 kHz mono
    /// PCM16; the call ends when it ends), starts <c>baresip -f folder -t 30</c> with stdin closed, waits (bounded)
    /// until it is ready and connects to its <c>ctrl_tcp</c> port. <paramref name="account"/> replaces the default account line
    /// (a caller that does not register). <paramref name="modules"/> are loaded besides the default ones (e.g. <c>srtp.so</c>);
    /// <paramref name="rtpPorts"/> is baresip's RTP port range. <paramref name="trustedCaFile"/> (PEM) is the CA baresip trusts
    /// for SIP over TLS (<c>sip_cafile</c>).
    /// </summary>
    public static async Task<BaresipProcess> StartAsync(string folder, string sourceWav, TimeSpan timeout, string? account = null, IReadOnlyList<string>? modules = null, string rtpPorts = "30000-30100", string? trustedCaFile = null)
    {
        var sipPort = FreeSipPort();
        var controlPort = FreeTcpPort();
        Directory.CreateDirectory(Path.Combine(folder, "rec"));
        var inv = CultureInfo.InvariantCulture;

        // net_interface pins the address baresip puts in its SDP: by default it is the default-route interface's, while
        // its RTP to 127.0.0.1 leaves from 127.0.0.1, and the engine only accepts RTP from the address the SDP gave.
        // baresip also listens for SIP/TLS on sip_listen's port + 1 (hence FreeSipPort).
        string[] config =
        [
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{sipPort.ToString(inv)}",
            "net_interface 127.0.0.1",
            "audio_player aubridge,nil",
            "audio_alert aubridge,nil",
            $"audio_source aufile,{sourceWav}",
            "audio_srate 8000",
            "audio_channels 1",
            $"rtp_ports {rtpPorts}",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            .. (modules ?? []).Select(m => "module " + m),
            $"snd_path {Path.Combine(folder, "rec")}",
            "module_app account.so",
            "module_app contact.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            $"ctrl_tcp_listen 127.0.0.1:{controlPort.ToString(inv)}",
            trustedCaFile is null ? string.Empty : $"sip_cafile {trustedCaFile}",
            string.Empty,
        ];
        await File.WriteAllTextAsync(Path.Combine(folder, "config"), string.Join('\n', config));
        await File.WriteAllTextAsync(Path.Combine(folder, "accounts"), (account ?? "<sip:caller@127.0.0.1>;regint=0;audio_codecs=PCMU") + "\n");

        var psi = new ProcessStartInfo("baresip")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-f", folder, "-t", "30" }) psi.ArgumentList.Add(a);
        var baresip = new BaresipProcess(new Process { StartInfo = psi }, folder, sipPort);
        baresip._process.OutputDataReceived += (_, e) => baresip.Append(e.Data);
        baresip._process.ErrorDataReceived += (_, e) => baresip.Append(e.Data);
        baresip._process.Start();
        baresip._process.StandardInput.Close();
        baresip._process.BeginOutputReadLine();
        baresip._process.BeginErrorReadLine();
        try
        {
            var ready = baresip.WaitForOutputAsync("baresip is ready.", timeout);
            var exited = baresip._process.WaitForExitAsync();
            if (await Task.WhenAny(ready, exited) == exited)
                throw new InvalidOperationException("baresip exited at start:\n" + baresip.Output);
            await ready;
            baresip._control = new TcpClient(AddressFamily.InterNetwork);
            using (var cts = new CancellationTokenSource(timeout))
                await baresip._control.ConnectAsync(IPAddress.Loopback, controlPort, cts.Token);
            baresip._readLoop = baresip.ReadLoopAsync(baresip._control.GetStream());
            return baresip;
        }
        catch
        {
            await baresip.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one <c>ctrl_tcp</c> command and returns its response (<c>ok</c>, <c>data</c>); throws after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> CommandAsync(string command, string parameters, TimeSpan timeout)
    {
        var token = "t" + Interlocked.Increment(ref _nextToken).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending) _pending[token] = response;
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["command"] = command,
            ["params"] = parameters,
            ["token"] = token,
        });
        var frame = new byte[json.Length + 16];
        var header = Encoding.ASCII.GetBytes(json.Length.ToString(CultureInfo.InvariantCulture) + ":");
        header.CopyTo(frame, 0);
        json.CopyTo(frame, header.Length);
        frame[header.Length + json.Length] = (byte)',';
        var length = header.Length + json.Length + 1;
        await _sendGate.WaitAsync(timeout);
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            await _control!.GetStream().WriteAsync(frame.AsMemory(0, length), cts.Token);
        }
        finally
        {
            _sendGate.Release();
        }

        try
        {
            return await response.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no response to '{command} {parameters}' within {timeout}; output:\n{Output}");
        }
    }

    /// <summary>Completes with the first <c>ctrl_tcp</c> event of <paramref name="type"/> (past or future); throws after <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string type, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_events)
        {
            foreach (var e in _events)
            {
                if (TypeOf(e) == type) return e;
            }

            _eventWaiters.Add((type, seen));
        }

        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no baresip event {type} within {timeout}; output:\n{Output}");
        }
    }

    /// <summary>Completes with the first output line containing <paramref name="needle"/> (past or future); throws after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForOutputAsync(string needle, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var existing = _output.ToString().Split('\n', '\r').FirstOrDefault(l => l.Contains(needle, StringComparison.Ordinal));
            if (existing is not null) return existing;
            _outputWaiters.Add((needle, seen));
        }

        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no baresip output with '{needle}' within {timeout}; output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _control?.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (InvalidOperationException)
        {
        }

        if (_readLoop is not null)
        {
            await _readLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        _sendGate.Dispose();
    }

    // A SIP port free for UDP and TCP, whose next port is free for TCP too (baresip's SIP/TLS listener).
    private static int FreeSipPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = SippProcess.FreeUdpPort();
            try
            {
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                using var tls = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tls.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return port;
            }
            catch (SocketException) when (attempt < 50)
            {
            }
        }
    }

    /// <summary>A TCP port free on 127.0.0.1 just now.</summary>
    internal static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? TypeOf(JsonElement e) =>
        e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    // Netstrings (LEN ":" JSON ","), responses matched to commands by token, events kept and signalled by type.
    private async Task ReadLoopAsync(NetworkStream stream)
    {
        var pending = new List<byte>();
        var chunk = new byte[4096];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(chunk);
                if (n == 0) return;
                pending.AddRange(chunk.AsSpan(0, n));
                while (TryTakeNetstring(pending, out var payload))
                {
                    Dispatch(JsonDocument.Parse(payload).RootElement.Clone());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    private static bool TryTakeNetstring(List<byte> buffer, out byte[] payload)
    {
        payload = [];
        var colon = buffer.IndexOf((byte)':');
        if (colon < 0) return false;
        var length = int.Parse(Encoding.ASCII.GetString([.. buffer.GetRange(0, colon)]), CultureInfo.InvariantCulture);
        if (buffer.Count < colon + 1 + length + 1) return false;
        payload = [.. buffer.GetRange(colon + 1, length)];
        buffer.RemoveRange(0, colon + 1 + length + 1);
        return true;
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("response", out _) && message.TryGetProperty("token", out var token))
        {
            TaskCompletionSource<JsonElement>? waiter;
            lock (_pending)
            {
                _pending.Remove(token.GetString() ?? string.Empty, out waiter);
            }

            waiter?.TrySetResult(message);
            return;
        }

        var type = TypeOf(message);
        lock (_events)
        {
            _events.Add(message);
            foreach (var w in _eventWaiters.Where(w => w.Type == type).ToList())
            {
                w.Seen.TrySetResult(message);
                _eventWaiters.Remove(w);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var w in _outputWaiters.Where(w => line.Contains(w.Needle, StringComparison.Ordinal)).ToList())
            {
                w.Seen.TrySetResult(line);
                _outputWaiters.Remove(w);
            }
        }
    }
}
