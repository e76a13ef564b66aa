using System.Globalization;
using System.Net;
using System.Text;
using Ivr.Engine.Media;
using Ivr.Tests.Media;
using Ivr.Tests.Sip.Transport;
using Xunit.Abstractions;

namespace Ivr.Tests.EndToEnd;

/// <summary>
/// SIP over TLS with a peer nobody here wrote: baresip (Debian) calls the real <c>ivr serve</c> process listening on TLS
/// with a certificate made in the test, through a TCP relay that keeps a copy of every byte on the wire.
/// </summary>
[Collection(EngineProcessesCollections.B)]
public sealed class BaresipTlsCallTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ivr-baresip-tls-");

    /// <summary>
    /// baresip dials over TLS and presses 2: the flow takes the support branch, the engine hangs up with BYE on the same
    /// connection, baresip heard the prompts (audio well above silence), and nothing that crossed the wire was plaintext SIP.
    /// </summary>
    /// <remarks>
    /// The wire is read at a relay between baresip and the engine (baresip's outbound proxy) rather than with a packet
    /// capture: it needs no capture privilege or tool and sees exactly the stream the call came in on (INVITE, the
    /// engine's responses, its BYE and baresip's 200). baresip sends its ACK to the engine's Contact (no Record-Route, so
    /// the proxy is not in the dialog), on a second connection straight to the engine's port, which speaks TLS only.
    /// The kernel's socket table shows baresip's TLS port accepted no connection: the engine's BYE went back on the
    /// connection the call came in on, not to baresip's Contact.
    /// </remarks>
    [Fact]
    public async Task BaresipOverTls_DtmfTwo_TakesTheSupportBranch_HearsThePrompts_AndNoSipCrossesTheWireInPlaintext()
    {
        using var certificate = TestCertificate.Create(_folder.FullName);
        var tlsPort = BaresipProcess.FreeTcpPort();
        var inv = CultureInfo.InvariantCulture;
        await using var engine = await EngineProcess.StartAsync(
            "--flows", "Ivr.Tests/TestData/flows/e2e", "--set", "Flows:Map:hotline=dtmf-branch",
            "--set", "Sip:Transports:0=udp", "--set", "Sip:Transports:1=tls", "--set", "Sip:TlsPort=" + tlsPort.ToString(inv),
            "--set", "Sip:Tls:CertificateFile=" + certificate.CertificateFile, "--set", "Sip:Tls:KeyFile=" + certificate.KeyFile);
        Assert.Contains($"tls:127.0.0.1:{tlsPort.ToString(inv)}", engine.Log, StringComparison.Ordinal);
        await using var relay = new RecordingTcpRelay(new IPEndPoint(IPAddress.Loopback, tlsPort));
        var relayed = "127.0.0.1:" + relay.EndPoint.Port.ToString(inv);

        var source = Path.Combine(_folder.FullName, "caller.wav");
        BaresipCallTests.WriteQuietNoise(source, TimeSpan.FromSeconds(15));
        await using var baresip = await BaresipProcess.StartAsync(_folder.FullName, source, Bound,
            $"<sip:caller@127.0.0.1;transport=tls>;regint=0;audio_codecs=PCMU;outbound=\"sip:{relayed};transport=tls\"", trustedCaFile: certificate.CertificateFile);

        var dial = await baresip.CommandAsync("dial", $"sip:hotline@{relayed};transport=tls", Bound);
        Assert.True(dial.GetProperty("ok").GetBoolean(), "dial refused: " + dial);
        await engine.WaitForLogAsync("from caller to hotline on flow dtmf-branch", Bound);
        await baresip.WaitForEventAsync("CALL_ESTABLISHED", Bound);

        var dtmf = await baresip.CommandAsync("sndcode", "2", Bound);
        Assert.True(dtmf.GetProperty("ok").GetBoolean(), "sndcode refused: " + dtmf);

        var ended = await engine.WaitForLogAsync(" ended: ", Bound);
        var engineAccepted = AcceptedConnections(tlsPort);
        Assert.True(ended.Contains("ended: hangup:support", StringComparison.Ordinal), $"the call ended otherwise: {ended}\nengine:\n{engine.Log}\nbaresip:\n{baresip.Output}");
        await baresip.WaitForEventAsync("CALL_CLOSED", Bound);
        Assert.Contains("terminated", await baresip.WaitForOutputAsync("terminated", Bound), StringComparison.Ordinal);
        Assert.DoesNotContain("ended: caller-hangup", engine.Log, StringComparison.Ordinal);

        // The call's connection carried TLS records only; the engine's TLS port took at most the relay's and the ACK's.
        Assert.Equal(1, relay.Connections);
        Assert.InRange(engineAccepted, 1, 2);
        Assert.Equal(0, AcceptedConnections(baresip.TlsPort));
        AssertTlsNotPlaintext("baresip to engine", relay.ToTarget);
        AssertTlsNotPlaintext("engine to baresip", relay.FromTarget);

        // One more command round trip: baresip handles it after destroying the call, when sndfile has closed its files.
        await baresip.CommandAsync("reginfo", string.Empty, Bound);
        var heard = Directory.GetFiles(baresip.RecordingFolder, "dump-*-dec.wav");
        Assert.True(heard.Length == 1, $"expected one dump-*-dec.wav, found {heard.Length}; output:\n{baresip.Output}");
        var samples = WavFile.Read(heard[0]);
        Assert.True(samples.Length > 8000, $"baresip heard only {samples.Length} samples");
        // The menu prompt is speech; the caller's own source is quiet noise the engine never echoes.
        var level = Signal.Rms(samples);
        output.WriteLine($"relay: {relay.Connections} connection(s), engine TLS port: {engineAccepted}, {relay.ToTarget.Length} bytes to the engine, {relay.FromTarget.Length} back; heard {samples.Length} samples at RMS {level:F0}");
        Assert.True(level > 300, $"what baresip heard is near silence: RMS {level:F0}");
    }

    // A TLS stream is records: content type 22 (handshake) first, version 3.x (RFC 8446 §5.1, RFC 5246 §6.2.1); SIP text
    // (a request line, a status line, header names, the dialled user) must appear nowhere.
    private static void AssertTlsNotPlaintext(string direction, byte[] wire)
    {
        Assert.True(wire.Length > 1000, $"{direction}: only {wire.Length} bytes crossed the relay");
        Assert.Equal(22, wire[0]);
        Assert.Equal(3, wire[1]);
        var text = Encoding.Latin1.GetString(wire);
        foreach (var needle in new[] { "SIP/2.0", "INVITE", "hotline", "Call-ID", "CSeq", "application/sdp" })
        {
            Assert.False(text.Contains(needle, StringComparison.Ordinal), $"{direction}: '{needle}' crossed the wire in plaintext");
        }
    }

    // Established TCP connections whose local end is 127.0.0.1:port, from /proc/net/tcp (columns: sl, local, remote, st;
    // st 01 = ESTABLISHED): on a listening port, the connections it accepted and still holds.
    private static int AcceptedConnections(int port)
    {
        var local = "0100007F:" + port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(columns => columns.Length > 3 && columns[1] == local && columns[3] == "01");
    }

    /// <summary>Removes the certificate, the config folder, the caller's audio and baresip's recordings.</summary>
    public void Dispose()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
