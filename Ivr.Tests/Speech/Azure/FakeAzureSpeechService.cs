using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ivr.Tests.Speech.Azure;

/// <summary>
/// A FAKE of the cloud boundary: a local HTTP listener standing in for Azure Speech. It answers each request with the
/// next scripted reply — recognition bodies recorded from Microsoft's public documentation ("Speech to text REST API for
/// short audio", sample responses), status codes, or a delay longer than the client's timeout — and records what it got.
/// </summary>
internal sealed class FakeAzureSpeechService : IAsyncDisposable
{
    /// <summary>The documentation's "typical response for simple recognition".</summary>
    public const string DocsSimpleResponse = """
        {
          "RecognitionStatus": "Success",
          "DisplayText": "Remind me to buy 5 pencils.",
          "Offset": "1236645672289",
          "Duration": "1236645672289"
        }
        """;

    /// <summary>The documentation's "typical response for detailed recognition".</summary>
    public const string DocsDetailedResponse = """
        {
          "RecognitionStatus": "Success",
          "Offset": "1236645672289",
          "Duration": "1236645672289",
          "NBest": [
            {
              "Confidence": 0.9052885,
              "Display": "What's the weather like?",
              "ITN": "what's the weather like",
              "Lexical": "what's the weather like",
              "MaskedITN": "what's the weather like"
            },
            {
              "Confidence": 0.92459863,
              "Display": "what is the weather like",
              "ITN": "what is the weather like",
              "Lexical": "what is the weather like",
              "MaskedITN": "what is the weather like"
            }
          ]
        }
        """;

    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Scripted> _replies = new();
    private readonly Task _loop;

    public FakeAzureSpeechService()
    {
        var port = FreeTcpPort();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public void Reply(int status, string body = "", string contentType = "application/json") => _replies.Enqueue(new Scripted(status, System.Text.Encoding.UTF8.GetBytes(body), contentType, TimeSpan.Zero));

    public void ReplyAudio(byte[] wav) => _replies.Enqueue(new Scripted(200, wav, "audio/wav", TimeSpan.Zero));

    public void ReplyLate(TimeSpan delay, string body) => _replies.Enqueue(new Scripted(200, System.Text.Encoding.UTF8.GetBytes(body), "application/json", delay));

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or TimeoutException)
        {
        }
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

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new Received(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, body.ToArray()));
        var reply = _replies.TryDequeue(out var r) ? r : new Scripted(500, [], "text/plain", TimeSpan.Zero);
        try
        {
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            await context.Response.OutputStream.WriteAsync(reply.Body);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client gave up (timeout) and closed the connection.
        }
    }

    private static int FreeTcpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private sealed record Scripted(int Status, byte[] Body, string ContentType, TimeSpan Delay);

    public sealed record Received(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body);
}
