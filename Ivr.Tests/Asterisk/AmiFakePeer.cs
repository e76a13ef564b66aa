using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// A fake AMI peer on loopback (a TcpListener run by the test), for what a real Asterisk never does: garbage, a close in
/// the middle of a response, a Ping left unanswered. Each accepted connection runs <c>script</c>; connections are counted.
/// </summary>
internal sealed class AmiFakePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Connection, CancellationToken, Task> _script;
    private readonly Task _accepting;
    private int _accepted;

    public AmiFakePeer(Func<Connection, CancellationToken, Task> script)
    {
        _script = script;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await _script(new Connection(client.GetStream()), _stop.Token);
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }

    /// <summary>One connection: write text, read the client's actions.</summary>
    internal sealed class Connection(NetworkStream stream)
    {
        private readonly StreamReader _reader = new(stream, Encoding.ASCII);

        public Task WriteAsync(string text, CancellationToken ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask();

        /// <summary>The next action's fields (lines up to a blank one), null when the client closed.</summary>
        public async Task<Dictionary<string, string>?> ReadActionAsync(CancellationToken ct)
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (true)
            {
                var line = await _reader.ReadLineAsync(ct);
                if (line is null) return null;
                if (line.Length == 0)
                {
                    if (fields.Count > 0) return fields;
                    continue;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }

        /// <summary>Sends the banner and answers Challenge and Login with success; returns false when the client left.</summary>
        public async Task<bool> LoginAsync(CancellationToken ct)
        {
            await WriteAsync("Asterisk Call Manager/12.0.0\r\n", ct);
            while (await ReadActionAsync(ct) is { } action)
            {
                var id = action["ActionID"];
                if (action["Action"] == "Challenge") await WriteAsync($"Response: Success\r\nActionID: {id}\r\nChallenge: 12345\r\n\r\n", ct);
                if (action["Action"] == "Login")
                {
                    await WriteAsync($"Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n", ct);
                    return true;
                }
            }
            return false;
        }
    }
}
