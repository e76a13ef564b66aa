using System.Collections.Concurrent;
using System.Net;
using Ivr.Tests.Storage;

namespace Ivr.Tests.Asterisk;

/// <summary>
/// A FAKE ARI peer (a loopback HTTP listener standing in for Asterisk at a true external boundary): answers the ping
/// and the events WebSocket like Asterisk, the snoop with a channel, externalMedia with a channel that has
/// <c>channelvars</c> only when <paramref name="withRtpAddress"/> (without them: a broken or foreign server), bridges and
/// deletes; with <paramref name="refuse"/> every request gets 401, with <paramref name="failing"/> a POST to a path ending so gets 500. Served under <paramref name="prefix"/> (http.conf
/// <c>prefix=</c>). Records every request.
/// </summary>
internal sealed class FakeAriPeer : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly List<System.Net.WebSockets.WebSocket> _sockets = [];
    private readonly bool _withRtpAddress;
    private readonly bool _refuse;
    private readonly string _prefix;
    private readonly string? _failing;

    public FakeAriPeer(bool withRtpAddress = false, bool refuse = false, string prefix = "", string? failing = null)
    {
        _failing = failing;
        _withRtpAddress = withRtpAddress;
        _refuse = refuse;
        _prefix = prefix;
        BaseUrl = "http://127.0.0.1:" + PostgresServer.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture) + prefix;
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Authorizations { get; } = new();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(Bound);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
        lock (_sockets) _sockets.ForEach(s => s.Dispose());
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var request = context.Request;
            Requests.Enqueue(request.HttpMethod + " " + request.RawUrl);
            Authorizations.Enqueue(request.Headers["Authorization"] ?? string.Empty);
            if (request.IsWebSocketRequest && !_refuse)
            {
                var socket = (await context.AcceptWebSocketAsync(null)).WebSocket;
                lock (_sockets) _sockets.Add(socket);
                continue;
            }
            var path = request.Url!.AbsolutePath;
            if (_prefix.Length > 0 && path.StartsWith(_prefix, StringComparison.Ordinal)) path = path[_prefix.Length..];
            var (status, body) = (request.HttpMethod, path) switch
            {
                _ when _refuse => (401, """{"message":"Authentication required"}"""),
                ("POST", _) when _failing is not null && path.EndsWith(_failing, StringComparison.Ordinal) => (500, """{"message":"failed here"}"""),
                ("GET", "/ari/asterisk/ping") => (200, """{"asterisk_id":"fake","ping":"pong"}"""),
                ("POST", _) when path.EndsWith("/snoop", StringComparison.Ordinal) => (200, """{"id":"snoop","name":"Snoop/1"}"""),
                ("POST", "/ari/channels/externalMedia") when _withRtpAddress =>
                    (200, """{"id":"media","name":"UnicastRTP/127.0.0.1:40000","channelvars":{"UNICASTRTP_LOCAL_ADDRESS":"127.0.0.1","UNICASTRTP_LOCAL_PORT":"40002"}}"""),
                ("POST", "/ari/channels/externalMedia") => (200, """{"id":"media","name":"UnicastRTP/127.0.0.1:40000"}"""),
                ("POST", "/ari/bridges") => (200, """{"id":"bridge","bridge_type":"mixing"}"""),
                ("POST", _) when path.EndsWith("/addChannel", StringComparison.Ordinal) => (204, string.Empty),
                ("DELETE", _) => (204, string.Empty),
                _ => (404, """{"message":"not here"}"""),
            };
            context.Response.StatusCode = status;
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
