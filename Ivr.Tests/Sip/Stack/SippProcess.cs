using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ivr.Tests.Sip.Stack;

/// <summary>Runs sipp on 127.0.0.1 with bounded waits; killed on dispose.</summary>
internal sealed class SippProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SippProcess(Process process, string workDir)
    {
        _process = process;
        WorkDir = workDir;
    }

    public string WorkDir { get; }

    /// <summary>The PID of the sipp process (to signal it: SIGUSR1 stops placing calls and exits once the live ones end).</summary>
    public int Id => _process.Id;

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A free UDP port below the kernel's ephemeral range (32768 and up), for a port one sipp releases and the next binds
    /// (a phone's registration, then its calls): no socket the suite binds to port 0 meanwhile can take it in between.
    /// </summary>
    public static int FreeUdpPortBelowEphemeralRange()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(31000, 32768); // baresip's RTP uses 30000-30100, the engine's 10000-20000
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No free UDP port in 31000-32767.");
    }

    /// <summary>
    /// Starts sipp with <c>-i 127.0.0.1 -p PORT -mp MEDIA -nostdin -timeout 30s -trace_err</c> plus <paramref name="args"/>
    /// (a <c>-timeout</c> in <paramref name="args"/> replaces the 30 s one).
    /// </summary>
    public static SippProcess Start(int port, params string[] args) => Start(port, TimeSpan.FromSeconds(30), args);

    /// <summary>As <see cref="Start(int, string[])"/>, with sipp's global <c>-timeout</c> set to <paramref name="timeout"/> (long calls).</summary>
    public static SippProcess Start(int port, TimeSpan timeout, params string[] args) => StartOn("127.0.0.1", port, timeout, args);

    /// <summary>As <see cref="Start(int, TimeSpan, string[])"/>, sending from <paramref name="localAddress"/> (another loopback address is another source).</summary>
    public static SippProcess StartOn(string localAddress, int port, TimeSpan timeout, params string[] args)
    {
        var workDir = Directory.CreateTempSubdirectory("ivr-sipp-").FullName;
        var psi = new ProcessStartInfo("sipp")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "-i", localAddress, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-mp", FreeUdpPort().ToString(System.Globalization.CultureInfo.InvariantCulture), "-nostdin", "-trace_err" })
        {
            psi.ArgumentList.Add(a);
        }
        if (!args.Contains("-timeout"))
        {
            psi.ArgumentList.Add("-timeout");
            psi.ArgumentList.Add(((int)Math.Ceiling(timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "s");
        }
        var process = new Process { StartInfo = psi };
        var sipp = new SippProcess(process, workDir);
        process.OutputDataReceived += (_, e) => sipp.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sipp.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sipp;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public string Output
    {
        get
        {
            string errors = string.Join("\n", Directory.GetFiles(WorkDir, "*errors.log").Select(File.ReadAllText));
            lock (_output) return _output + "\n" + errors;
        }
    }

    /// <summary>Waits at most <paramref name="timeout"/> for exit; returns the exit code (-1 if it had to be killed).</summary>
    /// <summary>True once sipp has exited.</summary>
    public bool HasExited => _process.HasExited;

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return -1;
        }
    }

    public static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "sipp", name);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
