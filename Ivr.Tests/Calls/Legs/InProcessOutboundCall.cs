using Ivr.Engine.Sip.Stack;

namespace Ivr.Tests.Calls.Legs;

/// <summary>In-process stand-in for an answered outbound dialog (the stack's UAC side is tested with sipp): counts BYEs, lets a test hang up the far end.</summary>
internal sealed class InProcessOutboundCall(string callId) : IOutboundCall
{
    private int _byes;

    public string CallId { get; } = callId;

    public OutboundCallStatus Status => OutboundCallStatus.Answered;

    public int StatusCode => 200;

    public string? SdpAnswer => null;

    public int Byes => Volatile.Read(ref _byes);

    public event Action? RemoteHangup;

    public Task HangupAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _byes);
        return Task.CompletedTask;
    }

    /// <summary>The far end sends BYE.</summary>
    public void FarEndHangsUp() => RemoteHangup?.Invoke();
}
