using System.Globalization;
using Ivr.Engine.Calls;
using Ivr.Engine.Media;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Engine.Cli;

/// <summary>
/// A small caller for demos and smoke tests: places a call through <see cref="ISipUserAgent"/>, opens media through
/// <see cref="IMediaSessionFactory"/>, sends the planned DTMF keys, and prints each second what it heard (packets,
/// level, largest gap between packets: audio or silence) and everything it sent. With a <see cref="CallTraceClient"/>
/// it also prints where the call went in the engine's flow (steps, prompts, input, branches, outcome), read from the
/// engine's timeline of the call while it runs and once more after it ends.
/// </summary>
public sealed class TestCaller
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly ISipUserAgent _userAgent;
    private readonly IMediaSessionFactory _media;
    private readonly TextWriter _out;
    private readonly TimeProvider _time;
    private readonly CallTraceClient? _trace;

    /// <summary>
    /// Creates a caller over the two seams; <paramref name="output"/> receives the transcript; <paramref name="trace"/>
    /// (optional) reads the flow path of the call from the engine that takes it.
    /// </summary>
    public TestCaller(ISipUserAgent userAgent, IMediaSessionFactory media, TextWriter output, TimeProvider? time = null, CallTraceClient? trace = null)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(output);
        _userAgent = userAgent;
        _media = media;
        _out = output;
        _time = time ?? TimeProvider.System;
        _trace = trace;
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
        var trace = _trace is null ? null : new TraceFollower(_trace, call.CallId, _time);
        var exit = await TalkAsync(plan, call, session, format, trace, cancellationToken);
        // Stopped by Ctrl-C: the caller wants out, not up to 10 s more of reading the engine.
        if (trace is not null && !cancellationToken.IsCancellationRequested)
        {
            foreach (var line in await trace.FinishAsync()) await WriteAsync(line);
        }
        return exit;
    }

    private async Task<int> TalkAsync(DialPlan plan, IOutboundCall call, IMediaSession session, MediaFormat format, TraceFollower? trace, CancellationToken cancellationToken)
    {
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
            trace?.StartClock(_time.GetUtcNow());
            var nextDigit = 0;
            var nextReport = TimeSpan.FromSeconds(1);
            using var ticker = new PeriodicTimer(Tick, _time);
            while (true)
            {
                var elapsed = _time.GetElapsedTime(started);
                while (digitsHeard.TryDequeue(out var d)) await WriteAsync($"[{Seconds(elapsed)}] ← DTMF {d}");
                if (trace is not null)
                {
                    foreach (var line in trace.Poll(start: elapsed >= nextReport)) await WriteAsync(line);
                }
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

    /// <summary>
    /// Reads the engine's timeline of the call without holding up the caller: at most one read in flight, started once a
    /// second, its new events printed when it completes. An engine that cannot be asked is said once, then left alone.
    /// </summary>
    private sealed class TraceFollower(CallTraceClient client, string callId, TimeProvider time)
    {
        private static readonly TimeSpan FinishPoll = TimeSpan.FromMilliseconds(200);
        private static readonly TimeSpan FinishWithin = TimeSpan.FromSeconds(10);

        private readonly CallTrace _lines = new();
        private Task<CallTraceRead>? _pending;
        private DateTimeOffset? _zero;
        private bool _givenUp;
        private bool _found;
        private string? _problem;

        /// <summary>Engine events are timed from <paramref name="zero"/>, the caller's own zero, on the wall clock.</summary>
        public void StartClock(DateTimeOffset zero) => _zero = zero;

        public IReadOnlyList<string> Poll(bool start)
        {
            if (_givenUp) return [];
            if (_pending is null)
            {
                if (start) _pending = client.ReadAsync(callId, CancellationToken.None);
                return [];
            }
            if (!_pending.IsCompleted) return [];
            var read = _pending.Result;
            _pending = null;
            return Take(read);
        }

        /// <summary>After the call: reads until the engine has closed the call's timeline (at most 10 s), returns the rest.</summary>
        public async Task<IReadOnlyList<string>> FinishAsync()
        {
            var lines = new List<string>();
            if (_pending is { } pending)
            {
                _pending = null;
                lines.AddRange(Take(await pending));
            }
            using var timer = new PeriodicTimer(FinishPoll, time);
            var since = time.GetTimestamp();
            while (!_givenUp && time.GetElapsedTime(since) < FinishWithin)
            {
                var read = await client.ReadAsync(callId, CancellationToken.None);
                lines.AddRange(Take(read));
                if (read.View?.Call.State == "ended") return lines;
                await timer.WaitForNextTickAsync(CancellationToken.None);
            }
            if (_givenUp) return lines;
            lines.Add(_found
                ? $"trace: the engine had not closed the call within {FinishWithin.TotalSeconds:0} s; later events are not shown"
                : $"trace: {_problem}; the call's path is not shown (--url names the engine's HTTP address)");
            return lines;
        }

        private IReadOnlyList<string> Take(CallTraceRead read)
        {
            if (read.View is { } view)
            {
                _found = true;
                return _lines.NewLines(view, _zero ?? view.Call.AnsweredAt ?? view.Call.StartedAt);
            }
            _problem = read.Problem;
            if (!read.Unreachable) return [];
            _givenUp = true;
            return [$"trace: {read.Problem}; the call's path is not shown (--url names the engine's HTTP address, --no-trace turns this off)"];
        }
    }

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
