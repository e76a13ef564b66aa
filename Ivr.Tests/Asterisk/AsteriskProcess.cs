using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ivr.Tests.Sip.Stack;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// A real Asterisk (the shared 23.2.2 build in <c>/opt/asterisk</c>) with its own configuration in a temp folder: PJSIP
/// UDP, AMI, ARI/HTTP and an RTP range on ports of its own, endpoint <c>sipp</c> matched by 127.0.0.1 (RFC 4733 DTMF),
/// and the dial plan the test gives for context <c>from-test</c>. Started in the foreground (<c>-f</c>), ready after
/// <c>core waitfullybooted</c>; stopped with <c>core stop now</c>, killed when that does not end it. Parallel-safe.
/// </summary>
internal sealed class AsteriskProcess : IAsyncDisposable
{
    public const string Binary = "/opt/asterisk/sbin/asterisk";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AsteriskProcess(Process process, string folder, int sipPort, int amiPort, int httpPort)
    {
        _process = process;
        Folder = folder;
        SipPort = sipPort;
        AmiPort = amiPort;
        HttpPort = httpPort;
    }

    /// <summary>The test's folder: configuration, <c>run/</c> state and logs, and files the dial plan writes.</summary>
    public string Folder { get; }

    public int SipPort { get; }

    public int AmiPort { get; }

    public int HttpPort { get; }

    /// <summary>Where sipp sends its INVITEs.</summary>
    public string SipTarget => "127.0.0.1:" + SipPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Asterisk's own log (notices, warnings, errors and verbose lines up to level 3: "Playing '…'").</summary>
    public string LogFile => Path.Combine(Folder, "run", "log", "messages.log");

    public string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : string.Empty;

    /// <summary>The ARI user of <c>ari.conf</c> (password <see cref="AriPassword"/>).</summary>
    public const string AriUser = "ivr";

    public const string AriPassword = "secret";

    /// <summary>Asterisk's HTTP server, for <c>Asterisk:Ari:Url</c>.</summary>
    public string AriUrl => "http://127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);

    /// <summary>GETs <c>/ari/{path}</c> (e.g. <c>channels</c>, <c>bridges</c>) as <see cref="AriUser"/> and returns the JSON.</summary>
    public async Task<string> AriGetAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri(AriUrl + "/ari/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AriUser + ":" + AriPassword)));
        return await http.GetStringAsync(path);
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>
    /// Writes the configuration into a new temp folder with <paramref name="dialPlan"/> (the lines of context
    /// <c>from-test</c>; <c>{DIR}</c> stands for the folder) and starts Asterisk, waiting (bounded) until it is fully booted.
    /// </summary>
    public static async Task<AsteriskProcess> StartAsync(string dialPlan)
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: run ../shared/asterisk/install.sh (test.sh does).");
        var folder = Directory.CreateTempSubdirectory("ivr-asterisk-").FullName;
        foreach (var sub in new[] { "db", "spool", "run", "log", "cache" }) Directory.CreateDirectory(Path.Combine(folder, "run", sub));
        var sipPort = SippProcess.FreeUdpPort();
        var amiPort = PostgresServer.FreeTcpPort();
        var httpPort = PostgresServer.FreeTcpPort();
        var rtpStart = SippProcess.FreeUdpPortBelowEphemeralRange() / 2 * 2;
        WriteConfiguration(folder, dialPlan.Replace("{DIR}", folder, StringComparison.Ordinal), sipPort, amiPort, httpPort, rtpStart);

        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-C", Path.Combine(folder, "asterisk.conf"), "-f", "-n" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("asterisk did not start");
        var asterisk = new AsteriskProcess(process, folder, sipPort, amiPort, httpPort);
        process.OutputDataReceived += (_, e) => asterisk.Append(e.Data);
        process.ErrorDataReceived += (_, e) => asterisk.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var booted = await asterisk.CliAsync("core waitfullybooted", Bound);
            if (process.HasExited) throw new InvalidOperationException("asterisk exited at start:\n" + asterisk.Output + booted);
        }
        catch
        {
            await asterisk.DisposeAsync();
            throw;
        }
        return asterisk;
    }

    /// <summary>Runs one CLI command on this Asterisk (<c>asterisk -C … -rx</c>) and returns what it printed.</summary>
    public async Task<string> CliAsync(string command, TimeSpan? timeout = null)
    {
        // The control socket appears a moment after the process starts: retried, bounded.
        var until = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var retry = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        string output;
        while (true)
        {
            var psi = new ProcessStartInfo(Binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-C", Path.Combine(Folder, "asterisk.conf"), "-rx", command }) psi.ArgumentList.Add(a);
            using var cli = Process.Start(psi) ?? throw new InvalidOperationException("asterisk -rx did not start");
            var read = cli.StandardOutput.ReadToEndAsync();
            var error = cli.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(limit);
            try
            {
                await cli.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                cli.Kill(entireProcessTree: true);
                throw new TimeoutException($"asterisk -rx '{command}' did not end within {limit}");
            }
            output = await read + await error;
            if (cli.ExitCode == 0 && !output.Contains("Unable to connect", StringComparison.Ordinal)) return output;
            if (until.Elapsed > limit || _process.HasExited) break;
            await retry.WaitForNextTickAsync();
        }
        throw new InvalidOperationException($"asterisk -rx '{command}' failed: {output}\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CliAsync("core stop now", TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // Killed below.
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static void WriteConfiguration(string folder, string dialPlan, int sipPort, int amiPort, int httpPort, int rtpStart)
    {
        string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        var run = Path.Combine(folder, "run");
        var files = new Dictionary<string, string>
        {
            ["asterisk.conf"] = $"""
                [directories]
                astetcdir => {folder}
                astmoddir => /opt/asterisk/lib/asterisk/modules
                astvarlibdir => /opt/asterisk/var/lib/asterisk
                astdatadir => /opt/asterisk/var/lib/asterisk
                astkeydir => /opt/asterisk/var/lib/asterisk
                astagidir => /opt/asterisk/var/lib/asterisk/agi-bin
                astsbindir => /opt/asterisk/sbin
                astcachedir => {run}/cache
                astdbdir => {run}/db
                astspooldir => {run}/spool
                astrundir => {run}/run
                astlogdir => {run}/log
                [options]
                runuser = root
                rungroup = root
                verbose = 3
                debug = 0
                """,
            ["modules.conf"] = """
                [modules]
                autoload = yes
                """,
            ["logger.conf"] = """
                [general]
                dateformat = %F %T.%3q
                [logfiles]
                messages.log => notice,warning,error,verbose(3)
                """,
            ["pjsip.conf"] = $"""
                [global]
                type = global
                user_agent = Asterisk-Ivr-Test
                endpoint_identifier_order = ip,username,anonymous
                [transport-udp]
                type = transport
                protocol = udp
                bind = 127.0.0.1:{P(sipPort)}
                [sipp]
                type = endpoint
                transport = transport-udp
                context = from-test
                disallow = all
                allow = ulaw,alaw
                direct_media = no
                rtp_symmetric = yes
                force_rport = yes
                dtmf_mode = rfc4733
                media_address = 127.0.0.1
                bind_rtp_to_media_address = yes
                [sipp-identify]
                type = identify
                endpoint = sipp
                match = 127.0.0.1
                """,
            ["extensions.conf"] = $"""
                [general]
                static = yes
                writeprotect = yes
                [from-test]
                {dialPlan}
                """,
            ["rtp.conf"] = $"""
                [general]
                rtpstart = {P(rtpStart)}
                rtpend = {P(rtpStart + 200)}
                """,
            ["manager.conf"] = $"""
                [general]
                enabled = yes
                port = {P(amiPort)}
                bindaddr = 127.0.0.1
                [ivr]
                secret = secret
                deny = 0.0.0.0/0.0.0.0
                permit = 127.0.0.1/255.255.255.255
                read = all
                write = all
                """,
            ["http.conf"] = $"""
                [general]
                enabled = yes
                bindaddr = 127.0.0.1
                bindport = {P(httpPort)}
                """,
            ["ari.conf"] = """
                [general]
                enabled = yes
                [ivr]
                type = user
                read_only = no
                password = secret
                """,
        };
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(folder, name), text + "\n");
    }
}
