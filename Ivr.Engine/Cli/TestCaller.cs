using System.Globalization;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Cli;

/// <summary>
/// A small caller for demos and smoke tests: places a call through <see cref="ISipUserAgent"/>, opens media through
/// <see cref="IMediaSessionFactory"/>, sends the planned DTMF keys, and prints each second what it heard (packets,
/// level, largest gap between packets: audio or silence) and everything it sent.
/// </summary>
public sealed class TestCaller
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ISipUserAgent _userAgent;
    private readonly IMediaSessionFactory _media;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;

    /// <summary>Creates a caller over the two seams; <paramref name="output"/> receives the transcript.</summary>
    public TestCaller(ISipUserAgent userAgent, IMediaSessionFactory media, TextWriter output, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(output);
        _userAgent = userAgent;
        _media = media;
        _out = output;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Places the call and plays <paramref name="plan"/>; 0 when the call was answered and ended, 1 otherwise.</summary>
    public async Task<int> RunAsync(DialPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var reservation = _media.Reserve();
        var local = reservation.LocalEndPoint;
        var offer = SdpNegotiator.CreateOffer(local.Address, local.Port);
        await WriteAsync($"→ INVITE {plan.Target} from {plan.FromUser} (PCMU, PCMA, telephone-event/101; RTP on {local})");

        var call = await _userAgent.InviteAsync(plan.Target, plan.FromUser, plan.FromDisplayName, offer.ToString(), plan.RingTimeout, cancellationToken);
        if (call.Status != OutboundCallStatus.Answered)
        {
            await WriteAsync($"← {call.StatusCode} ({call.Status})");
            return 1;
        }

        if (!SdpSession.TryParse(call.SdpAnswer, out var answer, out var sdpError))
        {
            await WriteAsync($"← 200 OK with unusable SDP: {sdpError}");
            await call.HangupAsync(cancellationToken);
            return 1;
        }

        var negotiated = SdpNegotiator.ProcessAnswer(offer, answer);
        if (!negotiated.IsSuccess)
        {
            await WriteAsync($"← 200 OK but {negotiated.Reason}; → BYE");
            await call.HangupAsync(cancellationToken);
            return 1;
        }

        var format = negotiated.Media.Format;
        await WriteAsync($"← 200 OK: {format.Codec} PT {format.PayloadType}, ptime {format.PacketTimeMs} ms, DTMF PT {format.DtmfPayloadType?.ToString(CultureInfo.InvariantCulture) ?? "none"}; RTP to {negotiated.Media.RemoteEndPoint}");

        var session = reservation.Open(negotiated.Media);
        var heard = new HeardAudio(_time);
        var remoteHangup = 0;
        var digitsHeard = new System.Collections.Concurrent.ConcurrentQueue<char>();
        void OnAudio(ReadOnlySpan<short> samples) => heard.Add(samples);
        void OnDtmf(char digit) => digitsHeard.Enqueue(digit);
        void OnBye() => Interlocked.Exchange(ref remoteHangup, 1);
        session.AudioReceived += OnAudio;
        session.DtmfReceived += OnDtmf;
        call.RemoteHangup += OnBye;
        try
        {
            await session.StartAsync(cancellationToken);
            var started = _time.GetTimestamp();
            var nextDigit = 0;
            var nextReport = TimeSpan.FromSeconds(1);
            using var ticker = new PeriodicTimer(Tick, _time);
            while (true)
            {
                var elapsed = _time.GetElapsedTime(started);
                while (digitsHeard.TryDequeue(out var d)) await WriteAsync($"[{Seconds(elapsed)}] ← DTMF {d}");
                if (elapsed >= nextReport)
                {
                    await WriteAsync($"[{Seconds(elapsed)}] {heard.TakeReport(format.PacketTimeMs)}");
                    nextReport += TimeSpan.FromSeconds(1);
                }
                if (Volatile.Read(ref remoteHangup) != 0)
                {
                    await WriteAsync($"[{Seconds(elapsed)}] ← BYE");
                    return 0;
                }
                while (nextDigit < plan.Digits.Count && elapsed >= plan.DigitInterval * (nextDigit + 1))
                {
                    var digit = plan.Digits[nextDigit++];
                    session.SendDtmf(digit);
                    await WriteAsync($"[{Seconds(elapsed)}] → DTMF {digit}");
                }
                if (elapsed >= plan.HangupAfter || cancellationToken.IsCancellationRequested)
                {
                    await WriteAsync($"[{Seconds(elapsed)}] → BYE");
                    await call.HangupAsync(CancellationToken.None);
                    return 0;
                }
                if (!await ticker.WaitForNextTickAsync(CancellationToken.None)) return 0;
            }
        }
        finally
        {
            session.AudioReceived -= OnAudio;
            session.DtmfReceived -= OnDtmf;
            call.RemoteHangup -= OnBye;
            session.Close();
            await session.DisposeAsync();
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(5) + "s";

    private Task WriteAsync(string line) => _out.WriteLineAsync(line);

    /// <summary>Caller-side reception statistics for one report window; written on the media thread, read by the loop.</summary>
    private sealed class HeardAudio(TimeProvider time)
    {
        private readonly Lock _gate = new();
        private int _packets;
        private long _samples;
        private double _sumSquares;
        private long _last;
        private TimeSpan _maxGap;

        public void Add(ReadOnlySpan<short> samples)
        {
            var now = time.GetTimestamp();
            double sum = 0;
            foreach (var s in samples) sum += (double)s * s;
            lock (_gate)
            {
                if (_last != 0)
                {
                    var gap = time.GetElapsedTime(_last, now);
                    if (gap > _maxGap) _maxGap = gap;
                }
                _last = now;
                _packets++;
                _samples += samples.Length;
                _sumSquares += sum;
            }
        }

        public string TakeReport(int packetTimeMs)
        {
            int packets;
            long samples;
            double sumSquares;
            TimeSpan maxGap;
            lock (_gate)
            {
                (packets, samples, sumSquares, maxGap) = (_packets, _samples, _sumSquares, _maxGap);
                (_packets, _samples, _sumSquares, _maxGap) = (0, 0, 0, TimeSpan.Zero);
            }
            if (packets == 0) return "heard nothing (no RTP)";
            var rms = Math.Sqrt(sumSquares / Math.Max(1, samples));
            var level = rms < 1 ? "-inf" : (20 * Math.Log10(rms / 32768)).ToString("0", CultureInfo.InvariantCulture);
            var what = rms < 100 ? "silence" : "audio";
            return string.Create(CultureInfo.InvariantCulture,
                $"heard {packets} packets (expected {1000 / packetTimeMs}/s), {what} at {level} dBFS, largest gap {maxGap.TotalMilliseconds:0} ms");
        }
    }
}
