using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Asterisk.Ami;

/// <summary>
/// One persistent AMI connection to one Asterisk: connects, reads the banner, logs in (MD5 challenge by default), pings
/// on an interval, and reconnects after any failure with a capped, jittered exponential back-off. Actions are matched to
/// their answers by <c>ActionID</c> and time out; list actions collect their events up to <c>EventList: Complete</c>.
/// Other events go to every subscriber's stream, with <see cref="AmiLinkUp"/>/<see cref="AmiLinkDown"/> between them.
/// Bad input (see <see cref="AmiPacketParser"/>) resets the connection with one log line and a counter; nothing else in
/// the engine is touched.
/// </summary>
public sealed class AmiClient : BackgroundService
{
    private readonly AmiClientSettings _settings;
    private readonly AmiMetrics _metrics;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly List<Channel<AmiNotice>> _subscribers = [];
    private Link? _link;
    private long _nextActionId;
    private string? _lastFailure;

    /// <summary>A client for <paramref name="settings"/>; <paramref name="random"/> jitters the back-off (shared when null).</summary>
    public AmiClient(AmiClientSettings settings, AmiMetrics metrics, ILogger<AmiClient> log, TimeProvider? time = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(log);
        _settings = settings;
        _metrics = metrics;
        _log = log;
        _time = time ?? TimeProvider.System;
        _random = random ?? Random.Shared;
    }

    /// <summary>The configured name of this Asterisk.</summary>
    public string Name => _settings.Name;

    /// <summary>True while logged in.</summary>
    public bool IsConnected => Volatile.Read(ref _link) is { LoggedIn: true };

    /// <summary>
    /// A new stream of this client's notices (events and link changes), bounded at <paramref name="capacity"/>: a reader
    /// that falls that far behind loses the oldest and the loss is counted (<c>events-dropped</c>).
    /// </summary>
    public ChannelReader<AmiNotice> Subscribe(int capacity = 10_000)
    {
        var channel = Channel.CreateBounded<AmiNotice>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => _metrics.Errors.Add(Name, "events-dropped"));
        lock (_subscribers) _subscribers.Add(channel);
        return channel.Reader;
    }

    /// <summary>
    /// Sends <paramref name="action"/> and waits (at most <see cref="AmiClientSettings.ActionTimeout"/>) for its answer.
    /// Throws <see cref="AmiUnavailableException"/> when not logged in, when the connection is lost first, or on time-out.
    /// </summary>
    public Task<AmiResponse> SendAsync(AmiAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var link = Volatile.Read(ref _link);
        if (link is not { LoggedIn: true }) throw new AmiUnavailableException($"AMI to {Name} is not connected.");
        return SendOnAsync(link, action, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            string reason;
            try
            {
                await RunLinkAsync(() => failures = 0, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (AmiLinkException ex)
            {
                reason = ex.Reason;
                Failed(ex.Reason, ex.Message);
            }
            catch (AmiProtocolException ex)
            {
                reason = ex.Reason;
                Failed(ex.Reason, "bad input, connection reset: " + ex.Message);
            }
            catch (IOException ex)
            {
                reason = "closed";
                Failed(reason, "connection lost: " + ex.Message);
            }
            catch (SocketException ex)
            {
                reason = "closed";
                Failed(reason, "connection lost: " + ex.Message);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                // A fault of the client itself must not end AMI for good (nor the engine): logged, counted, reconnected.
                reason = "internal";
                _metrics.Errors.Add(Name, reason);
                _metrics.SetUp(Name, false);
                _log.LogError(ex, "AMI {Asterisk}: internal error; reconnecting", Name);
            }
            Publish(new AmiLinkDown(Name, reason));
            failures++;
            var delay = _settings.Backoff.Delay(failures, _random);
            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Failed(string reason, string message)
    {
        _metrics.Errors.Add(Name, reason);
        _metrics.SetUp(Name, false);
        // One warning per kind of failure: a PBX down for an hour (or a wrong secret) is one line, not one per retry.
        var text = reason + ": " + message;
        if (text == _lastFailure)
        {
            _log.LogDebug("AMI {Asterisk}: {Reason}: {Message} (again; retrying)", Name, reason, message);
            return;
        }
        _lastFailure = text;
        _log.LogWarning("AMI {Asterisk}: {Reason}: {Message}; retrying with back-off up to {Max}", Name, reason, message, _settings.Backoff.Max);
    }

    private async Task RunLinkAsync(Action loggedIn, CancellationToken stoppingToken)
    {
        using var tcp = new TcpClient { NoDelay = true };
        using var linkCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        try
        {
            using var connectDeadline = new CancellationTokenSource(_settings.ConnectTimeout, _time);
            using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, connectDeadline.Token);
            await tcp.ConnectAsync(_settings.Host, _settings.Port, connectCts.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new AmiLinkException("connect", $"cannot connect to {_settings.Host}:{_settings.Port}: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            throw new AmiLinkException("connect", $"no TCP connection to {_settings.Host}:{_settings.Port} within {_settings.ConnectTimeout}");
        }
        var link = new Link(tcp.GetStream(), new AmiPacketParser(_settings.Limits));
        Volatile.Write(ref _link, link);
        var reader = Task.Run(() => ReadLoopAsync(link, linkCts.Token), CancellationToken.None);
        try
        {
            var banner = await WaitOrFailAsync(link, link.Banner.Task, reader, _settings.ConnectTimeout, "no AMI banner", stoppingToken).ConfigureAwait(false);
            await WaitOrFailAsync(link, LoginAsync(link, linkCts.Token), reader, _settings.ConnectTimeout * 2, "no answer to the login", stoppingToken).ConfigureAwait(false);
            link.LoggedIn = true;
            loggedIn();
            _lastFailure = null;
            _metrics.Logins.Add(Name);
            _metrics.SetUp(Name, true);
            _log.LogInformation("AMI {Asterisk}: logged in to {Host}:{Port} as {User} ({Banner})", Name, _settings.Host, _settings.Port, _settings.User, banner);
            Publish(new AmiLinkUp(Name, banner));
            var pinger = PingLoopAsync(link, linkCts.Token);
            var ended = await Task.WhenAny(reader, pinger).ConfigureAwait(false);
            await ended.ConfigureAwait(false);
        }
        finally
        {
            link.LoggedIn = false;
            Volatile.Write(ref _link, null);
            await linkCts.CancelAsync().ConfigureAwait(false);
            tcp.Close();
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmiLinkException or AmiProtocolException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The reason was taken from the first failure.
            }
            link.FailPending(new AmiUnavailableException($"AMI to {Name} was lost before the answer."));
        }
    }

    /// <summary>Waits for <paramref name="task"/>, failing early when the reader ends (closed, bad input) or at the deadline.</summary>
    private async Task<T> WaitOrFailAsync<T>(Link link, Task<T> task, Task reader, TimeSpan within, string what, CancellationToken stoppingToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var deadline = Task.Delay(within, _time, stopWaiting.Token);
        var first = await Task.WhenAny(task, reader, deadline).ConfigureAwait(false);
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        if (first == task) return await task.ConfigureAwait(false);
        if (first == reader)
        {
            // The peer may answer and close at once (Asterisk does after a refused login): an answer already read wins.
            link.FailPending(new AmiUnavailableException($"AMI to {Name} was lost before the answer."));
            link.Banner.TrySetCanceled(CancellationToken.None);
            try
            {
                return await task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmiUnavailableException or TaskCanceledException)
            {
                await reader.ConfigureAwait(false);
                throw new AmiLinkException("closed", "the peer closed the connection before the login ended");
            }
        }
        stoppingToken.ThrowIfCancellationRequested();
        throw new AmiLinkException("connect", $"{what} within {within}");
    }

    private async Task<bool> LoginAsync(Link link, CancellationToken ct)
    {
        var login = new AmiAction("Login").With("Username", _settings.User);
        if (_settings.Md5)
        {
            // The MD5 challenge keeps the secret off the wire (AMI is plain TCP): key = md5(challenge + secret), in hex.
            var challenge = await SendOnAsync(link, new AmiAction("Challenge").With("AuthType", "MD5"), ct).ConfigureAwait(false);
            if (!challenge.IsSuccess || string.IsNullOrEmpty(challenge["Challenge"]))
            {
                throw new AmiLinkException("auth", $"Asterisk refused the MD5 challenge for user {_settings.User}: {challenge["Message"] ?? challenge.Message.ToString()}");
            }
#pragma warning disable CA5351 // AMI's challenge login is defined with MD5; it is what Asterisk checks.
            var key = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(challenge["Challenge"] + _settings.Secret)));
#pragma warning restore CA5351
            login.With("AuthType", "MD5").With("Key", key);
        }
        else
        {
            login.With("Secret", _settings.Secret);
        }
        // Only the classes asked for: with read = all a busy PBX sends a flood of VarSet and Newexten events.
        login.With("Events", _settings.Events);
        var answer = await SendOnAsync(link, login, ct).ConfigureAwait(false);
        if (!answer.IsSuccess)
        {
            throw new AmiLinkException("auth", $"login refused for user {_settings.User}: {answer["Message"] ?? "no message"} (check Asterisk:Ami:{Name}:User/Secret and manager.conf permit/deny)");
        }
        return true;
    }

    private async Task<bool> PingLoopAsync(Link link, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(_settings.PingInterval, _time, ct).ConfigureAwait(false);
            try
            {
                await SendOnAsync(link, new AmiAction("Ping"), ct).ConfigureAwait(false);
            }
            catch (AmiUnavailableException ex) when (!ct.IsCancellationRequested)
            {
                throw new AmiLinkException("ping-timeout", $"no answer to Ping within {_settings.ActionTimeout}", ex);
            }
        }
    }

    private async Task<AmiResponse> SendOnAsync(Link link, AmiAction action, CancellationToken cancellationToken)
    {
        var id = "ivr-" + Interlocked.Increment(ref _nextActionId).ToString(CultureInfo.InvariantCulture);
        var pending = new Pending();
        link.Pending[id] = pending;
        try
        {
            var bytes = action.Encode(id);
            await link.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await link.Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                link.WriteLock.Release();
            }
            using var deadline = new CancellationTokenSource(_settings.ActionTimeout, _time);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                return await pending.Answer.Task.WaitAsync(both.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                _metrics.Errors.Add(Name, "action-timeout");
                throw new AmiUnavailableException($"AMI to {Name}: no answer to {action.Name} within {_settings.ActionTimeout}.");
            }
        }
        catch (IOException ex)
        {
            throw new AmiUnavailableException($"AMI to {Name} was lost sending {action.Name}.", ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw new AmiUnavailableException($"AMI to {Name} was lost sending {action.Name}.", ex);
        }
        finally
        {
            link.Pending.TryRemove(id, out _);
        }
    }

    private async Task ReadLoopAsync(Link link, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var packets = new List<AmiMessage>();
        while (true)
        {
            var read = await link.Stream.ReadAsync(buffer, ct).ConfigureAwait(false);
            if (read == 0)
            {
                var where = link.Parser.InPacket ? "in the middle of a packet" : "between packets";
                throw new AmiLinkException("closed", $"Asterisk closed the connection {where}");
            }
            packets.Clear();
            link.Parser.Feed(buffer.AsSpan(0, read), packets);
            if (link.Parser.Banner is { } banner) link.Banner.TrySetResult(banner);
            foreach (var packet in packets) Dispatch(link, packet);
        }
    }

    private void Dispatch(Link link, AmiMessage packet)
    {
        var id = packet.ActionId;
        if (packet.EventName is null)
        {
            if (id is null || !link.Pending.TryGetValue(id, out var waiting)) return;
            if (string.Equals(packet["EventList"], "start", StringComparison.OrdinalIgnoreCase) && packet.IsSuccess)
            {
                waiting.Response = packet;
                return;
            }
            waiting.Answer.TrySetResult(new AmiResponse(packet, []));
            return;
        }
        if (id is not null && link.Pending.TryGetValue(id, out var list) && list.Response is { } response)
        {
            list.Events.Add(packet);
            if (string.Equals(packet["EventList"], "Complete", StringComparison.OrdinalIgnoreCase))
            {
                list.Answer.TrySetResult(new AmiResponse(response, list.Events.ToArray()));
            }
            return;
        }
        _metrics.Events.Add(Name);
        if (link.LoggedIn) Publish(new AmiEventReceived(Name, packet));
    }

    private void Publish(AmiNotice notice)
    {
        lock (_subscribers)
        {
            foreach (var subscriber in _subscribers) subscriber.Writer.TryWrite(notice);
        }
    }

    private sealed class Link(NetworkStream stream, AmiPacketParser parser)
    {
        public NetworkStream Stream { get; } = stream;

        public AmiPacketParser Parser { get; } = parser;

        public SemaphoreSlim WriteLock { get; } = new(1, 1);

        public ConcurrentDictionary<string, Pending> Pending { get; } = new(StringComparer.Ordinal);

        public TaskCompletionSource<string> Banner { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool LoggedIn;

        public void FailPending(Exception error)
        {
            foreach (var pending in Pending.Values) pending.Answer.TrySetException(error);
        }
    }

    private sealed class Pending
    {
        public TaskCompletionSource<AmiResponse> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AmiMessage? Response { get; set; }

        public List<AmiMessage> Events { get; } = [];
    }
}
