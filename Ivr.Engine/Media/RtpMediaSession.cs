using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ivr.Engine.Net;

namespace Ivr.Engine.Media;

/// <summary>
/// One call's media over a UDP socket: G.711 RTP (RFC 3550, RFC 3551 §4.5.14) both ways, RFC 4733 DTMF both ways,
/// prompts played from a queue on the shared <see cref="MediaPacer"/>, comfort silence in between (so NATs, firewalls
/// and endpoints with an RTP timeout keep seeing the stream), and optional recording of what the caller says.
/// </summary>
/// <remarks>
/// Receiving accepts only RTP version 2 (RFC 3550 §5.1; linphone sends STUN and other packets to the RTP port) from
/// exactly the address and port the SDP gave (RFC 3264 §5/§6). When the SDP connection address is unspecified
/// (<c>0.0.0.0</c>) or the port is 0, the session instead latches to the source of the first RTP packet and sends
/// there too (symmetric RTP, RFC 4961), and nothing is sent until then. Packets are handled on the receive loop, sends
/// happen on the pacer thread; events are raised on those threads and must return quickly.
/// With SRTP negotiated (<see cref="NegotiatedMedia.Srtp"/>), each packet is protected in the send buffer just before it
/// leaves and unprotected in the receive buffer before anything reads it (RFC 3711 §3.3); a packet that fails
/// authentication or is a replay is dropped and counted.
/// </remarks>
public sealed class RtpMediaSession : IMediaSession, IPacedSender
{
    private const int MaxDatagramBytes = 2048;
    private const int MaxPacketSamples = 1024;
    private const int MaxBurst = 3;
    private const int DtmfGapSlots = 3;
    private const int LiveCapacitySamples = MediaFormat.ClockRate / 5;

    /// <summary>How long each digit sent by <see cref="SendDtmf(char)"/> lasts (RFC 4733 §2.5.1.2).</summary>
    public static readonly TimeSpan DtmfDuration = TimeSpan.FromMilliseconds(100);

    private readonly RtpPortAllocator _ports;
    private readonly MediaPacer _pacer;
    private readonly TimeProvider _time;
    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly Lock _recordGate = new();
    // Room past the largest packet for the SRTP authentication tag.
    private readonly byte[] _sendBuffer = new byte[RtpPacket.FixedHeaderSize + MaxPacketSamples + SrtpContext.MaxTagLength];
    private readonly byte[] _payload = new byte[MaxPacketSamples];
    // Allocated on first use (most calls only play prompts): they would otherwise live, and be copied by the GC, for
    // the whole call.
    private short[]? _pcm;
    private short[]? _decoded;
    private short[]? _live;
    private readonly Queue<AudioClip> _queue = new();
    private readonly Queue<char> _digits = new();
    private readonly DtmfReceiver _dtmfReceiver = new();
    private readonly long _startTimestamp;

    // Send state: guarded by _gate (API threads and the pacer thread).
    private NegotiatedMedia? _media;
    private MediaFormat _format = MediaFormat.Default;
    private IPEndPoint _remote = new(IPAddress.Any, 0);
    private SocketAddress? _sendAddress;
    private bool _latch;
    private readonly NatNetworks _natNetworks;
    private RtpSender? _rtp;
    private DtmfSender? _dtmf;
    private long _packetTicks;
    private long _nextDue;
    private bool _started;
    private bool _closed;
    private bool _talking;
    private AudioClip? _current;
    private int _playTag;
    private int _position;
    private int _liveStart;
    private int _liveCount;
    private IReadOnlyList<DtmfPacket>? _dtmfPlan;
    private int _dtmfIndex;
    private int _dtmfSlots;
    private int _gapSlots;
    private NegotiatedSrtp? _srtp;
    private SrtpContext? _srtpSend;

    // Receive state: owned by the receive loop, except the expected source (set under _gate, read volatile).
    private volatile SocketAddress? _expectedSource;
    private volatile MediaFormat _receiveFormat = MediaFormat.Default;
    private volatile SrtpContext? _srtpReceive;
    private RtpReceiverStats? _stats;
    private uint _remoteSsrc;
    private long _audioPosition; // samples of the caller's stream before the last audio packet (RTP time)
    private uint _lastAudioTimestamp;
    private bool _audioStarted;
    private WavWriter? _recorder;
    private Task? _receiveTask;

    private readonly MediaCounters _counters;
    private long _packetsSent;
    private long _packetsReceived;
    private long _packetsIgnored;
    private long _packetsFromUnexpectedSource;
    private long _faults;
    private long _srtpAuthFailures;
    private long _srtpReplays;

    /// <summary>
    /// Binds a socket on a port from <paramref name="ports"/>; call <see cref="Configure"/> with the negotiated media, then
    /// <see cref="StartAsync"/>. <paramref name="counters"/> are the engine-wide RTP counters (a private set when null).
    /// </summary>
    /// <remarks>
    /// <paramref name="natNetworks"/>: a peer whose SDP address lies in one of these ranges may be behind NAT, so the
    /// session sends to the SDP address only until the peer's first packet, then to where that packet came from
    /// (symmetric RTP, RFC 4961); default <see cref="NatNetworks.Default"/>.
    /// </remarks>
    public RtpMediaSession(RtpPortAllocator ports, MediaPacer pacer, TimeProvider? timeProvider = null, MediaCounters? counters = null, NatNetworks? natNetworks = null)
    {
        _counters = counters ?? new MediaCounters();
        _natNetworks = natNetworks ?? NatNetworks.Default;
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(pacer);
        _ports = ports;
        _pacer = pacer;
        _time = timeProvider ?? TimeProvider.System;
        _socket = ports.Allocate();
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _startTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public event Action<char>? DtmfReceived;

    /// <summary>Raised once when the play queue runs empty after its last clip played to the end (not after <see cref="StopPlayback"/>).</summary>
    public event Action<int>? PlaybackFinished;

    /// <inheritdoc />
    public event AudioFrameHandler? AudioReceived;

    /// <summary>Our RTP address and port, to put in the SDP <c>c=</c> and <c>m=</c> lines (RFC 4566 §5.7, §5.14).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public MediaFormat Format
    {
        get
        {
            lock (_gate)
            {
                return _format;
            }
        }
    }

    /// <inheritdoc />
    public IPEndPoint RemoteEndPoint
    {
        get
        {
            lock (_gate)
            {
                return _remote;
            }
        }
    }

    /// <inheritdoc />
    public bool IsPlaying
    {
        get
        {
            lock (_gate)
            {
                return _current is not null;
            }
        }
    }

    /// <summary>RTP packets sent (audio, silence and DTMF).</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>RTP packets accepted from the remote party.</summary>
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    /// <summary>Datagrams dropped because they were not RTP version 2 (or were RTCP).</summary>
    public long PacketsIgnored => Interlocked.Read(ref _packetsIgnored);

    /// <summary>RTP packets dropped because they came from another address or port than the negotiated one.</summary>
    public long PacketsFromUnexpectedSource => Interlocked.Read(ref _packetsFromUnexpectedSource);

    /// <summary>SRTP packets dropped because they did not authenticate (tampered, keyed otherwise, malformed, key expired).</summary>
    public long SrtpAuthenticationFailures => Interlocked.Read(ref _srtpAuthFailures);

    /// <summary>SRTP packets dropped as replays (RFC 3711 §3.3.2).</summary>
    public long SrtpReplays => Interlocked.Read(ref _srtpReplays);

    /// <summary>True when the media is SRTP (keys agreed by SDES).</summary>
    public bool IsSecure => _srtpReceive is not null;

    /// <summary>Exceptions thrown by event handlers on the receive loop (contained and counted).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Loss and jitter of the current remote source (RFC 3550 A.3, A.8); updated on the receive loop.</summary>
    public RtpReceiverStats? ReceiverStats => Volatile.Read(ref _stats);

    /// <summary>
    /// Applies the outcome of offer/answer (RFC 3264): codec, payload types, packet time and remote address. May be
    /// called again to change the codec or address; the RTP stream keeps its SSRC, sequence numbers and timestamps
    /// (RFC 3550 §5.1). SRTP is keyed once, by the first call: its crypto contexts (ROC, replay lists) live as long as the
    /// session, and a later call must carry the same <see cref="NegotiatedMedia.Srtp"/> (re-INVITEs are answered with the
    /// SDP already agreed, so nothing re-keys a call) or it throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public void Configure(NegotiatedMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var format = media.Format;
        if (format.SamplesPerPacket is <= 0 or > MaxPacketSamples)
        {
            throw new ArgumentException($"Packet time {format.PacketTimeMs} ms is not supported.", nameof(media));
        }

        lock (_gate)
        {
            if (_media is not null && !ReferenceEquals(media.Srtp, _srtp))
            {
                throw new InvalidOperationException("SRTP keys are set once per media session; a call is not re-keyed.");
            }

            _media = media;
            _format = format;
            _rtp = _rtp is null
                ? new RtpSender(format.PayloadType)
                : new RtpSender(format.PayloadType, _rtp.Ssrc, _rtp.SequenceNumber, _rtp.Timestamp);
            _dtmf = format.DtmfPayloadType is int dtmf ? new DtmfSender(_rtp, dtmf) : null;
            _dtmfPlan = null;
            _packetTicks = Stopwatch.Frequency * format.PacketTimeMs / 1000;
            var unspecified = media.RemoteEndPoint.Port == 0
                || media.RemoteEndPoint.Address.Equals(IPAddress.Any)
                || media.RemoteEndPoint.Address.Equals(IPAddress.IPv6Any);
            // A private SDP address may be a phone behind NAT: send there until its first packet says where it really is.
            _latch = !media.Pinned && (unspecified || _natNetworks.Contains(media.RemoteEndPoint.Address));
            _remote = media.RemoteEndPoint;
            _sendAddress = unspecified ? null : media.RemoteEndPoint.Serialize();
            _expectedSource = _latch ? null : _sendAddress;
            _receiveFormat = format;
            if (_srtp is null && media.Srtp is not null)
            {
                _srtpSend = media.Srtp.CreateSendContext();
                _srtpReceive = media.Srtp.CreateReceiveContext();
                _srtp = media.Srtp;
            }
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_media is null)
            {
                throw new InvalidOperationException("Configure the negotiated media before starting the session.");
            }

            if (_started)
            {
                return Task.CompletedTask;
            }

            _started = true;
        }

        _receiveTask = ReceiveLoopAsync();
        _pacer.Register(this);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Appends <paramref name="clip"/> to the play queue (it starts at the next packet if nothing is playing, with the
    /// marker bit, RFC 3551 §4.1). To replace what is playing, call <see cref="StopPlayback"/> first.
    /// </summary>
    public void Play(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        lock (_gate)
        {
            _playTag = 0;
            Enqueue(clip);
        }
    }

    /// <inheritdoc />
    public void Play(IReadOnlyList<AudioClip> clips, int tag)
    {
        ArgumentNullException.ThrowIfNull(clips);
        lock (_gate)
        {
            _playTag = tag;
            foreach (var clip in clips) Enqueue(clip);
        }
    }

    // Under _gate.
    private void Enqueue(AudioClip clip)
    {
        if (_closed)
        {
            return;
        }

        // Encode once here, off the pacing thread (cached in the clip for every later call).
        clip.GetEncoded(_format.Codec);
        if (_current is null)
        {
            StartClip(clip);
        }
        else
        {
            _queue.Enqueue(clip);
        }
    }

    /// <summary>
    /// Stops the clip in progress and clears the queue; raises nothing (<see cref="PlaybackFinished"/> is only for
    /// prompts heard to the end). The next packet is comfort silence, so barge-in cuts the prompt within one packet.
    /// </summary>
    public void StopPlayback()
    {
        lock (_gate)
        {
            _current = null;
            _queue.Clear();
        }
    }

    /// <summary>
    /// Queues <paramref name="digit"/> as an RFC 4733 event of <see cref="DtmfDuration"/> at the negotiated
    /// telephone-event payload type; audio pauses during the event (RFC 4733 §2.5.1) and resumes where it was.
    /// </summary>
    public void SendDtmf(char digit)
    {
        if (!TelephoneEvent.TryGetEventCode(digit, out _))
        {
            throw new ArgumentException($"'{digit}' is not a DTMF digit (0-9, *, #, A-D).", nameof(digit));
        }

        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_dtmf is null)
            {
                throw new InvalidOperationException("No telephone-event payload type was negotiated (RFC 4733 §7.1.1).");
            }

            _digits.Enqueue(digit);
            _counters.DigitSent();
        }
    }

    /// <summary>
    /// Queues live 8 kHz PCM to send in the next packets when no prompt is playing (a bridged leg, streamed speech);
    /// at most 200 ms is held, the oldest samples are dropped beyond that. Allocates nothing.
    /// </summary>
    public void SendAudio(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            var live = _live ??= new short[LiveCapacitySamples];
            _pcm ??= new short[MaxPacketSamples];
            if (samples.Length >= live.Length)
            {
                samples[^live.Length..].CopyTo(live);
                _liveStart = 0;
                _liveCount = live.Length;
                return;
            }

            var overflow = _liveCount + samples.Length - live.Length;
            if (overflow > 0)
            {
                _liveStart = (_liveStart + overflow) % live.Length;
                _liveCount -= overflow;
            }

            var end = (_liveStart + _liveCount) % live.Length;
            var first = Math.Min(samples.Length, live.Length - end);
            samples[..first].CopyTo(live.AsSpan(end));
            samples[first..].CopyTo(live);
            _liveCount += samples.Length;
        }
    }

    /// <summary>Starts writing received caller audio to a PCM16 8 kHz WAV file at <paramref name="path"/>.</summary>
    public void StartRecording(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        lock (_recordGate)
        {
            if (_recorder is not null)
            {
                throw new InvalidOperationException("Already recording.");
            }

            var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
            _recorder = new WavWriter(stream);
        }
    }

    /// <summary>Stops recording, finalises the WAV header and returns the recorded duration (zero when not recording).</summary>
    public TimeSpan StopRecording()
    {
        WavWriter? recorder;
        lock (_recordGate)
        {
            recorder = _recorder;
            _recorder = null;
        }

        if (recorder is null)
        {
            return TimeSpan.Zero;
        }

        var duration = TimeSpan.FromSeconds(recorder.SampleCount / (double)recorder.SampleRate);
        recorder.Dispose();
        return duration;
    }

    /// <inheritdoc />
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _current = null;
            _queue.Clear();
            _digits.Clear();
            _srtpSend?.Dispose();
            _srtpSend = null;
        }

        _pacer.Unregister(this);
        _socket.Dispose();
        _ports.Release(LocalEndPoint.Port);
        StopRecording();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Close();
        if (_receiveTask is not null)
        {
            await _receiveTask.ConfigureAwait(false);
        }

        _srtpReceive?.Dispose();
    }

    /// <summary>Sends every packet due by <paramref name="scheduled"/> (see <see cref="IPacedSender.OnTick"/>).</summary>
    void IPacedSender.OnTick(MediaPacer pacer, long scheduled)
    {
        var finished = false;
        var finishedTag = 0;
        lock (_gate)
        {
            if (!_started || _closed || _media is null || !_media.Sends)
            {
                return;
            }

            if (_nextDue == 0)
            {
                _nextDue = scheduled;
            }

            for (var burst = 0; burst < MaxBurst && _nextDue <= scheduled; burst++)
            {
                if (_sendAddress is null)
                {
                    // Waiting to latch (SDP 0.0.0.0): nowhere to send yet. Prompts wait; the RTP clock keeps real time.
                    _rtp!.Skip(_format.SamplesPerPacket);
                    _nextDue += _packetTicks;
                    continue;
                }

                var length = BuildPacket(ref finished);
                if (length > 0 && _srtpSend is { } srtp)
                {
                    // RFC 3711 §3.3: encrypt the payload in place, the tag appended in the buffer's spare room.
                    length = srtp.Protect(_sendBuffer, length);
                }

                if (length > 0)
                {
                    try
                    {
                        _socket.SendTo(_sendBuffer.AsSpan(0, length), SocketFlags.None, _sendAddress);
                        Interlocked.Increment(ref _packetsSent);
                        pacer.RecordSend(_nextDue);
                    }
                    catch (SocketException)
                    {
                        // A transient send error loses one packet; RTP tolerates loss.
                        Interlocked.Increment(ref _faults);
                    }
                }

                _nextDue += _packetTicks;
            }

            if (_nextDue <= scheduled)
            {
                // Still behind after a burst (the process stalled): skip the backlog; timestamps keep real time.
                var missed = ((scheduled - _nextDue) / _packetTicks) + 1;
                _rtp!.Skip((int)(missed * _format.SamplesPerPacket));
                _nextDue += missed * _packetTicks;
            }

            finishedTag = _playTag;
        }

        if (finished)
        {
            // Raised outside the lock with the tag read under it: a play started since carries another tag.
            PlaybackFinished?.Invoke(finishedTag);
        }
    }

    private void StartClip(AudioClip clip)
    {
        _current = clip;
        _position = 0;
        _talking = false;
    }

    // Writes the next packet into _sendBuffer; 0 when nothing goes out in this slot (between DTMF updates).
    private int BuildPacket(ref bool finished)
    {
        var rtp = _rtp!;
        var samples = _format.SamplesPerPacket;
        if (_dtmfPlan is null && _gapSlots == 0 && _dtmf is not null && _digits.TryDequeue(out var digit))
        {
            _dtmfPlan = _dtmf.Plan(digit, DtmfDuration);
            _dtmfIndex = 0;
            _dtmfSlots = 0;
        }

        if (_dtmfPlan is not null)
        {
            return BuildDtmfPacket(rtp, samples);
        }

        if (_gapSlots > 0)
        {
            _gapSlots--;
        }

        if (_current is not null)
        {
            var encoded = _current.GetEncoded(_format.Codec).Span;
            var count = Math.Min(samples, encoded.Length - _position);
            var payload = _payload.AsSpan(0, samples);
            encoded.Slice(_position, count).CopyTo(payload);
            payload[count..].Fill(SilenceByte(_format.Codec));
            _position += count;
            if (!_talking)
            {
                rtp.StartTalkSpurt();
                _talking = true;
            }

            var length = rtp.WriteAudio(_sendBuffer, payload, samples);
            if (_position >= encoded.Length)
            {
                if (_queue.TryDequeue(out var next))
                {
                    StartClip(next);
                }
                else
                {
                    _current = null;
                    finished = true;
                }
            }

            return length;
        }

        if (_liveCount >= samples && _live is { } live)
        {
            var pcm = _pcm.AsSpan(0, samples);
            var first = Math.Min(samples, live.Length - _liveStart);
            live.AsSpan(_liveStart, first).CopyTo(pcm);
            live.AsSpan(0, samples - first).CopyTo(pcm[first..]);
            _liveStart = (_liveStart + samples) % live.Length;
            _liveCount -= samples;
            if (!_talking)
            {
                rtp.StartTalkSpurt();
                _talking = true;
            }

            return rtp.WriteAudio(_sendBuffer, _format.Codec, pcm);
        }

        // Comfort silence: keep the stream alive (NAT bindings, RTP timeouts) with encoded digital silence.
        _talking = false;
        var silence = _payload.AsSpan(0, samples);
        silence.Fill(SilenceByte(_format.Codec));
        return rtp.WriteAudio(_sendBuffer, silence, samples);
    }

    private int BuildDtmfPacket(RtpSender rtp, int samples)
    {
        var plan = _dtmfPlan!;
        var elapsed = TimeSpan.FromMilliseconds(_dtmfSlots * _format.PacketTimeMs);
        _dtmfSlots++;
        var length = 0;

        // At most one event packet per slot: updates every 50 ms, then the three end packets spread over three slots.
        if (_dtmfIndex < plan.Count && plan[_dtmfIndex].Offset <= elapsed)
        {
            length = _dtmf!.Write(_sendBuffer, plan[_dtmfIndex]);
            _dtmfIndex++;
        }

        if (_dtmfIndex == plan.Count)
        {
            // RFC 4733 §2.5.1.5: the audio clock advanced over the event although no audio was sent.
            rtp.Skip(_dtmfSlots * samples);
            _dtmfPlan = null;
            _gapSlots = DtmfGapSlots;
            _talking = true;
        }

        return length;
    }

    private static byte SilenceByte(AudioCodec codec) => codec == AudioCodec.Pcmu ? (byte)0xFF : (byte)0xD5;

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagramBytes);
        var source = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (true)
            {
                int received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, source).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // An ICMP port-unreachable for an earlier send (Windows reports it here): not fatal.
                    continue;
                }
                catch (SocketException)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    break;
                }

                try
                {
                    var datagram = buffer.AsSpan(0, received);
                    if (_srtpReceive is { } srtp && !TryUnprotect(srtp, ref datagram))
                    {
                        continue;
                    }

                    OnDatagram(datagram, source);
                }
#pragma warning disable CA1031 // A handler's bug must not stop this call's media; it is counted.
                catch (Exception)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _faults);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // RFC 3711 §3.3: authenticate, check replay and decrypt in place before the packet is read. What is not RTP (and
    // RTCP multiplexed on the port) passes through to be ignored as it is without SRTP.
    private bool TryUnprotect(SrtpContext srtp, ref Span<byte> datagram)
    {
        if (datagram.Length < RtpPacket.FixedHeaderSize || datagram[0] >> 6 != RtpPacket.RtpVersion
            || (datagram[1] & 0x7F) is >= 72 and <= 76)
        {
            return true;
        }

        switch (srtp.Unprotect(datagram, out var length))
        {
            case SrtpUnprotectResult.Ok:
                datagram = datagram[..length];
                return true;
            case SrtpUnprotectResult.Replayed:
                Interlocked.Increment(ref _srtpReplays);
                _counters.SrtpReplayed();
                break;
            default:
                Interlocked.Increment(ref _srtpAuthFailures);
                _counters.SrtpAuthenticationFailed();
                break;
        }

        _counters.PacketIgnored();
        return false;
    }

    internal void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        // RFC 3550 §5.1: version 2 only; RFC 5761 §4: payload types 72-76 are RTCP multiplexed on the RTP port.
        if (!RtpPacket.TryParse(datagram, out var packet) || packet.PayloadType is >= 72 and <= 76)
        {
            Interlocked.Increment(ref _packetsIgnored);
            _counters.PacketIgnored();
            return;
        }

        var expected = _expectedSource;
        if (expected is null)
        {
            if (!TryLatch(source))
            {
                Interlocked.Increment(ref _packetsFromUnexpectedSource);
                _counters.PacketIgnored();
                return;
            }
        }
        else if (!SameEndPoint(expected, source))
        {
            Interlocked.Increment(ref _packetsFromUnexpectedSource);
            _counters.PacketIgnored();
            return;
        }

        Interlocked.Increment(ref _packetsReceived);
        _counters.PacketReceived();
        var stats = _stats;
        var newSource = false;
        if (stats is null || packet.Ssrc != _remoteSsrc)
        {
            newSource = true;
            // RFC 3550 §8.2: a new SSRC is a new source with its own sequence space.
            stats = new RtpReceiverStats(minSequential: 1);
            Volatile.Write(ref _stats, stats);
            _remoteSsrc = packet.Ssrc;
        }

        var arrival = (uint)(long)((_time.GetTimestamp() - _startTimestamp) * (MediaFormat.ClockRate / (double)_time.TimestampFrequency));
        stats.Update(packet.SequenceNumber, packet.Timestamp, arrival);

        var format = _receiveFormat;
        if (packet.PayloadType == format.DtmfPayloadType)
        {
            if (_dtmfReceiver.TryProcess(packet, out var digit))
            {
                _counters.DigitReceived();
                DtmfReceived?.Invoke(digit);
            }

            return;
        }

        AudioCodec codec;
        if (packet.PayloadType == format.PayloadType)
        {
            codec = format.Codec;
        }
        else if (packet.PayloadType is (int)AudioCodec.Pcmu or (int)AudioCodec.Pcma)
        {
            // The other static G.711 type: decodable without negotiation (RFC 3551 Table 4), so accept it.
            codec = (AudioCodec)packet.PayloadType;
        }
        else
        {
            return;
        }

        AdvanceAudioPosition(packet.Timestamp, newSource);
        if (_recorder is null && AudioReceived is null)
        {
            // Nobody listens to the caller's audio (a prompt-only call): no need to decode it.
            return;
        }

        var payload = packet.Payload;
        var decoded = _decoded ??= new short[MaxDatagramBytes];
        var pcm = decoded.AsSpan(0, Math.Min(payload.Length, decoded.Length));
        G711.Decode(codec, payload[..pcm.Length], pcm);
        if (_recorder is not null)
        {
            lock (_recordGate)
            {
                _recorder?.Write(pcm);
            }
        }

        AudioReceived?.Invoke(pcm);
    }

    /// <inheritdoc />
    public TimeSpan? ReceivedAudioPosition =>
        TimeSpan.FromTicks(Volatile.Read(ref _audioPosition) * TimeSpan.TicksPerSecond / MediaFormat.ClockRate);

    // RTP time moves the position forward (uint arithmetic survives the timestamp's wrap). A reordered older packet does
    // not move it; a jump of over a minute (a broken or restarted sender) and a new source carry on from where it is.
    private void AdvanceAudioPosition(uint timestamp, bool newSource)
    {
        if (_audioStarted && !newSource)
        {
            var delta = (int)(timestamp - _lastAudioTimestamp);
            if (delta <= 0)
            {
                return;
            }

            if (delta <= MediaFormat.ClockRate * 60)
            {
                Volatile.Write(ref _audioPosition, _audioPosition + delta);
            }
        }

        _audioStarted = true;
        _lastAudioTimestamp = timestamp;
    }

    private bool TryLatch(SocketAddress source)
    {
        lock (_gate)
        {
            if (!_latch || _closed)
            {
                return false;
            }

            if (_expectedSource is { } already)
            {
                return SameEndPoint(already, source);
            }

            // Port 0 cannot be answered (a raw-socket sender that left it unset): not a source to latch onto.
            if (source.Buffer.Span[2] == 0 && source.Buffer.Span[3] == 0)
            {
                return false;
            }

            // RFC 4961 symmetric RTP: the first packet's source becomes the only accepted source and our destination.
            var copy = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
            _expectedSource = copy;
            if (_sendAddress is { } advertised)
            {
                if (SameAddress(advertised, copy))
                {
                    // The host its SDP named (a peer on our own network): no NAT between us, so its SDP port stands
                    // even if it sends from another one (asymmetric RTP, as some gateways do).
                    return true;
                }

                _counters.LatchedBehindNat();
            }

            _sendAddress = copy;
            _remote = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(copy);
            return true;
        }
    }

    // sockaddr_in: port at 2..4, address at 4..8; sockaddr_in6: port at 2..4, address at 8..24 (flow info skipped).
    private static bool SameAddress(SocketAddress a, SocketAddress b) =>
        a.Family == b.Family && (a.Family == AddressFamily.InterNetwork
            ? a.Buffer.Span[4..8].SequenceEqual(b.Buffer.Span[4..8])
            : a.Buffer.Span[8..24].SequenceEqual(b.Buffer.Span[8..24]));

    private static bool SameEndPoint(SocketAddress a, SocketAddress b) =>
        SameAddress(a, b) && a.Buffer.Span[2..4].SequenceEqual(b.Buffer.Span[2..4]);
}
