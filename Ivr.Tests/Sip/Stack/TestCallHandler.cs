using System.Collections.Concurrent;
using Ivr.Engine.Sip.Stack;

namespace Ivr.Tests.Sip.Stack;

/// <summary>What the test call handler does with each call.</summary>
internal enum TestCallMode
{
    /// <summary>180, then 200 with SDP; waits for the caller's BYE.</summary>
    Answer,
    /// <summary>180, 200, and BYE from us as soon as the ACK arrives.</summary>
    AnswerThenHangup,
    /// <summary>180 and nothing else (the caller cancels).</summary>
    RingOnly,
    /// <summary>Reject with 486.</summary>
    Reject,
}

/// <summary>An IIncomingCallHandler for tests: answers with a minimal SDP and records what happened.</summary>
internal sealed class TestCallHandler(TestCallMode mode) : IIncomingCallHandler
{
    public const string Sdp = "v=0\r\no=ivr 1 1 IN IP4 127.0.0.1\r\ns=ivr\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n";

    private int _calls;
    private int _cancelled;
    private int _remoteHangups;
    private int _acked;
    private int _noAck;

    public ConcurrentQueue<IInviteSession> Sessions { get; } = new();

    public ConcurrentQueue<Task> Work { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public int CancelledCount => Volatile.Read(ref _cancelled);

    public int RemoteHangups => Volatile.Read(ref _remoteHangups);

    public int Acked => Volatile.Read(ref _acked);

    public int NoAck => Volatile.Read(ref _noAck);

    public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstRemoteHangup { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> FirstAcceptResult { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnIncomingCall(IInviteSession session)
    {
        Interlocked.Increment(ref _calls);
        Sessions.Enqueue(session);
        session.Cancelled += () =>
        {
            Interlocked.Increment(ref _cancelled);
            FirstCancelled.TrySetResult();
        };
        session.RemoteHangup += () =>
        {
            Interlocked.Increment(ref _remoteHangups);
            FirstRemoteHangup.TrySetResult();
        };
        FirstCall.TrySetResult();
        switch (mode)
        {
            case TestCallMode.Reject:
                session.Reject(486);
                return;
            case TestCallMode.RingOnly:
                session.SendProvisional(180);
                return;
        }
        session.SendProvisional(180);
        Work.Enqueue(AnswerAsync(session));
    }

    private async Task AnswerAsync(IInviteSession session)
    {
        var acked = await session.AcceptAsync(Sdp, CancellationToken.None);
        Interlocked.Increment(ref acked ? ref _acked : ref _noAck);
        FirstAcceptResult.TrySetResult(acked);
        if (acked && mode == TestCallMode.AnswerThenHangup) await session.HangupAsync(CancellationToken.None);
    }
}
