using System.Net;
using Ivr.Engine.Asterisk.Ari;
using Ivr.Engine.Media;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls.Legs;

/// <summary>
/// The caller's audio of an Asterisk channel over FastAGI, brought on demand through ARI: while the call listens for
/// speech, a snoop channel on the caller's channel (<c>spy=in</c>) and an <c>externalMedia</c> channel in one mixing
/// bridge send what the caller says as µ-law RTP to a port of the engine's own media stack, whose decoded frames are
/// <see cref="AudioReceived"/>. When listening stops (after a short grace, so a menu's retry reuses the path), the call
/// ends or the caller hangs up, the RTP session is closed and the bridge and both channels are destroyed. The first ARI
/// failure (Asterisk's HTTP down, credentials refused) is logged once and the call takes keys only from then on.
/// </summary>
public sealed class AriAudioSession : IMediaSession
{
    /// <summary>How long the path stays up after listening stops, so the next turn of the same or the next menu reuses it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private readonly AriClient _ari;
    private readonly IMediaSessionFactory _factory;
    private readonly string _channel;
    private readonly IPAddress? _rtpAddress;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly AudioFrameHandler _forward;
    private readonly SemaphoreSlim _steps = new(1, 1);
    private readonly Lock _gate = new();
    private IMediaSession? _inner;
    private AriMediaPath? _path;
    private ITimer? _grace;
    private bool _want;
    private bool _closed;
    private bool _failed;

    /// <summary>
    /// The audio of Asterisk channel <paramref name="channel"/> (its unique id), over <paramref name="ari"/>, received on
    /// a port of <paramref name="factory"/>; Asterisk sends to <paramref name="rtpAddress"/> (null: the port's own address).
    /// </summary>
    public AriAudioSession(AriClient ari, IMediaSessionFactory factory, string channel, IPAddress? rtpAddress, TimeProvider time, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(ari);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        _ari = ari;
        _factory = factory;
        _channel = channel;
        _rtpAddress = rtpAddress;
        _time = time ?? TimeProvider.System;
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _forward = frame => AudioReceived?.Invoke(frame);
    }

    /// <summary>Completes when the last open or close that was started has finished (tests, shutdown).</summary>
    public Task Settled { get; private set; } = Task.CompletedTask;

    /// <summary>True while the audio path is up.</summary>
    public bool IsOpen => Volatile.Read(ref _path) is not null;

    /// <summary>
    /// True while the call listens for speech and the path has not failed or closed: a prompt played now may be cut
    /// short by speech, so the leg plays it in pieces (<see cref="AgiLeg.SpeechPiece"/>).
    /// </summary>
    public bool Hears
    {
        get
        {
            lock (_gate) return _want && !_closed && !_failed;
        }
    }

    /// <inheritdoc />
    public MediaFormat Format => MediaFormat.Default;

    /// <inheritdoc />
    public IPEndPoint RemoteEndPoint => Volatile.Read(ref _inner)?.RemoteEndPoint ?? NoAudioSession.Negotiated.RemoteEndPoint;

    /// <inheritdoc />
    public bool IsPlaying => false;

    /// <inheritdoc />
    public TimeSpan? ReceivedAudioPosition => Volatile.Read(ref _inner)?.ReceivedAudioPosition;

    /// <inheritdoc />
    public event Action<char>? DtmfReceived
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public event Action<int>? PlaybackFinished
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public event AudioFrameHandler? AudioReceived;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>Listening opens the path now; not listening closes it after <see cref="Grace"/> unless listening starts again.</remarks>
    public void Listening(bool listening)
    {
        lock (_gate)
        {
            if (_closed || _failed) return;
            _want = listening;
            _grace?.Dispose();
            _grace = null;
            if (!listening)
            {
                _grace = _time.CreateTimer(_ => Kick(), null, Grace, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        Kick();
    }

    /// <inheritdoc />
    public void Play(AudioClip clip)
    {
    }

    /// <inheritdoc />
    public void Play(IReadOnlyList<AudioClip> clips, int tag)
    {
    }

    /// <inheritdoc />
    public void StopPlayback()
    {
    }

    /// <inheritdoc />
    public void SendDtmf(char digit)
    {
    }

    /// <inheritdoc />
    public void SendAudio(ReadOnlySpan<short> samples)
    {
    }

    /// <inheritdoc />
    /// <remarks>Closes the path now (the RTP session, then the bridge and both channels in Asterisk); see <see cref="Settled"/>.</remarks>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _want = false;
            _grace?.Dispose();
            _grace = null;
        }
        Kick();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Close();
        await Settled.ConfigureAwait(false);
    }

    private void Kick()
    {
        Task settled;
        lock (_gate) Settled = settled = Task.Run(ReconcileAsync);
        // The client waits for it when disposed (shutdown), so the DELETEs of a closing path are sent.
        _ari.Track(settled);
    }

    // One step at a time, until the path is what the call wants (a change while a step runs is seen by the loop).
    private async Task ReconcileAsync()
    {
        await _steps.WaitAsync().ConfigureAwait(false);
        try
        {
            while (true)
            {
                bool want;
                lock (_gate) want = _want && !_closed && !_failed;
                if (want && _path is null) await OpenAsync().ConfigureAwait(false);
                else if (!want && _path is not null) await ShutAsync().ConfigureAwait(false);
                else break;
            }
        }
        finally
        {
            _steps.Release();
        }
    }

    private async Task OpenAsync()
    {
        var started = _time.GetTimestamp();
        IMediaReservation? reservation = null;
        IMediaSession? session = null;
        AriMediaPath? path = null;
        try
        {
            // Registered first: while ARI is unreachable no RTP port is held (and a recent failure fails at once).
            await _ari.EnsureRegisteredAsync(CancellationToken.None).ConfigureAwait(false);
            reservation = _factory.Reserve();
            var local = reservation.LocalEndPoint;
            var address = _rtpAddress ?? local.Address;
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            {
                throw new InvalidOperationException($"RTP binds to {address}: Asterisk:Ari:RtpAddress must name the engine's address as Asterisk reaches it.");
            }
            path = await _ari.OpenMediaAsync(_channel, new IPEndPoint(address, local.Port), CancellationToken.None).ConfigureAwait(false);
            var rtcp = new IPEndPoint(path.AsteriskRtp.Address, path.AsteriskRtp.Port + 1);
            // From here the session owns the socket and port: on failure it is closed, not the reservation released.
            session = reservation.Open(new NegotiatedMedia(MediaFormat.Default, path.AsteriskRtp, rtcp, MediaDirection.RecvOnly) { Pinned = true });
            session.AudioReceived += _forward;
            await session.StartAsync().ConfigureAwait(false);
            Volatile.Write(ref _inner, session);
            Volatile.Write(ref _path, path);
            _ari.Metrics.MediaOpened();
            _log.LogInformation("Caller audio of Asterisk channel {Channel} over ARI in {Elapsed:F0} ms: snoop {Snoop}, external media {External} from {AsteriskRtp} to port {Local}, bridge {Bridge}",
                _channel, _time.GetElapsedTime(started).TotalMilliseconds, path.SnoopId, path.ExternalId, path.AsteriskRtp, local.Port, path.BridgeId);
        }
        catch (Exception ex)
        {
            // Any failure (ARI, no port, a socket or media error): nothing of this attempt is left open, and the call takes keys.
            if (session is not null)
            {
                session.AudioReceived -= _forward;
                await CloseQuietlyAsync(session).ConfigureAwait(false);
            }
            else reservation?.Dispose();
            if (path is not null) await _ari.CloseMediaAsync(path).ConfigureAwait(false);
            if (ex is AriException ari) Failed(ari.Reason, ari.Message);
            else
            {
                _ari.Metrics.Error("media");
                Failed("media", ex.Message);
            }
        }
    }

    private async Task CloseQuietlyAsync(IMediaSession session)
    {
        try
        {
            session.Close();
            await session.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _log.LogDebug(ex, "Closing the RTP session of Asterisk channel {Channel}", _channel);
        }
    }

    private async Task ShutAsync()
    {
        var session = Interlocked.Exchange(ref _inner, null);
        var path = Interlocked.Exchange(ref _path, null);
        if (session is not null)
        {
            session.AudioReceived -= _forward;
            session.Close();
            await session.DisposeAsync().ConfigureAwait(false);
        }
        if (path is null) return;
        await _ari.CloseMediaAsync(path).ConfigureAwait(false);
        _ari.Metrics.MediaClosed();
        _log.LogInformation("Caller audio of Asterisk channel {Channel} over ARI closed: bridge {Bridge} and its channels destroyed", _channel, path.BridgeId);
    }

    // The first failure ends speech for this call: one line, and the menus take keys (the counter is the client's).
    private void Failed(string reason, string message)
    {
        bool closed;
        lock (_gate)
        {
            _failed = true;
            closed = _closed;
        }
        if (closed)
        {
            // The caller hung up while the path was being opened (the snoop found no channel): nothing to warn about.
            _log.LogDebug("ARI path of Asterisk channel {Channel} not opened, the call is over ({Reason}: {Message})", _channel, reason, message);
            return;
        }
        _log.LogWarning("No speech on Asterisk channel {Channel}: ARI failed ({Reason}: {Message}); its speech menus take keys only", _channel, reason, message);
    }
}
