using System.Globalization;
using Akka.Actor;
using Ivr.Engine.Routing.Live;
using Ivr.Engine.Routing.Messages;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// A call's recordings (the <c>message</c> step), run by its actor: the beep, the WAV writer over the caller's audio until a
/// finish key or the length limit, where each goes (<c>data/messages/ID.wav</c> for a skill's message with a router,
/// else <c>CALL-N.wav</c> in the recordings folder), and a skill message's metadata stored through the router before the
/// flow moves on. Runs on the actor's thread only.
/// </summary>
internal sealed class CallRecorder(CallContext call)
{
    private const string LimitTimer = "record-limit";

    private CallRecording? _recording;
    private RecordEffect? _effect;
    private int _number;
    private string? _messageId;
    private DateTimeOffset _startedAt;
    private (string Path, double Seconds)? _pendingMessage;

    /// <summary>True while the caller's audio is being written.</summary>
    public bool IsRecording => _recording is not null;

    /// <summary>Handles a message of the recorder's (its length limit, the message's metadata stored); false for any other.</summary>
    public bool Handle(object message)
    {
        switch (message)
        {
            case RecordingLimitReached m: LimitReached(m); break;
            case MessageSaved m: Saved(m); break;
            default: return false;
        }
        return true;
    }

    /// <summary>Executes a <c>message</c>/record effect: the beep first when asked for, then the recording.</summary>
    public void Record(RecordEffect record)
    {
        _effect = record;
        if (!call.Setup.Negotiated.Receives)
        {
            call.Log.LogWarning("The caller sends no audio (SDP direction); the message is not recorded");
            call.Run!.RecordingFinished(string.Empty, 0);
            return;
        }
        if (record.Beep && call.Services.Prompts.FindSound("common/beep.wav") is { } beep) call.Playback.Play(PlaybackKind.Beep, [beep]);
        else
        {
            call.Playback.Stop();
            Start();
        }
    }

    /// <summary>The beep ended: recording starts.</summary>
    public void Start()
    {
        var path = NextPath();
        try
        {
            _recording = CallRecording.Start(call.Leg.Media, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            call.Log.LogError(ex, "Cannot record to {Path}", path);
            call.Guard(run => run.RecordingFinished(string.Empty, 0));
            return;
        }
        call.Log.LogInformation("Recording to {Path}", path);
        call.Timers.StartSingleTimer(LimitTimer, new RecordingLimitReached(_number), _effect!.MaxLength);
    }

    /// <summary>A key while recording: true when the recorder took it (a finish key ends the recording; others are ignored).</summary>
    public bool Digit(char digit)
    {
        if (!IsRecording) return false;
        if (_effect!.FinishKey.Contains(digit, StringComparison.Ordinal)) Finish();
        return true;
    }

    /// <summary>The length limit of recording <paramref name="m"/> was reached (stale when another recording started since).</summary>
    public void LimitReached(RecordingLimitReached m)
    {
        if (m.Recording == _number) Finish();
    }

    /// <summary>
    /// A skill message's metadata is stored: the flow moves on. Not stored (e.g. the database is down): the flow is told the
    /// message was not kept, so it takes the step's <c>onError</c> or ends as <see cref="FlowOutcome.MessageNotKept"/> (then
    /// <see cref="SayNotKept"/>) — never its confirmation. The WAV stays on disk; its path is logged for an operator to recover.
    /// </summary>
    public void Saved(MessageSaved m)
    {
        if (_pendingMessage is not { } pending) return;
        _pendingMessage = null;
        if (m.Saved)
        {
            call.Log.LogInformation("Message {Path} ({Seconds:0.0} s) stored for {Skill}", pending.Path, pending.Seconds, _effect?.Skill);
            call.Guard(run => run.RecordingFinished(pending.Path, pending.Seconds));
            return;
        }
        call.Log.LogError("Message not kept: its metadata for skill {Skill} could not be stored ({Error}); the recording stays at {Path} " +
            "({Seconds:0.0} s) for an operator to recover", _effect?.Skill, m.Error, pending.Path, pending.Seconds);
        call.Timeline.Note("message", call.Run?.CurrentStep, $"not kept ({m.Error}); recording kept at {pending.Path}");
        call.Guard(run => run.RecordingFailed(m.Error ?? "the message could not be stored"));
    }

    /// <summary>
    /// The flow ended because a message was not kept and had no <c>onError</c>: the caller hears <c>message_not_kept</c>, and
    /// the actor hangs up when it ends (<see cref="PlaybackKind.Goodbye"/>).
    /// </summary>
    public void SayNotKept()
    {
        var words = call.Services.Words.MessageNotKept(call.Language);
        call.Log.LogInformation("Announcement: {Text}", words.Text ?? words.Sound);
        call.Playback.PlayPrompts(PlaybackKind.Goodbye, [words], call.Services.Prompts, call.Self, call.Log);
    }

    /// <summary>Stops writing without telling the flow (the call ends); idempotent.</summary>
    public void Stop()
    {
        _recording?.Stop();
        _recording = null;
    }

    private void Finish()
    {
        if (_recording is not { } recording) return;
        _recording = null;
        call.Timers.Cancel(LimitTimer);
        var seconds = recording.Stop();
        if (_messageId is { } id && _effect?.Skill is { } skill && call.Services.Router is { } router)
        {
            // A skill's message: its metadata is stored through the router before the flow moves on.
            var caller = string.IsNullOrEmpty(call.Setup.Call.CallerNumber) ? null : call.Setup.Call.CallerNumber;
            _pendingMessage = (recording.Path, seconds);
            router.Tell(new SaveMessage(new MessageRecord(id, skill, caller, _startedAt, TimeSpan.FromSeconds(seconds),
                Path.Combine("messages", Path.GetFileName(recording.Path)))), call.Self);
            return;
        }
        call.Guard(run => run.RecordingFinished(recording.Path, seconds));
    }

    private string NextPath()
    {
        _number++;
        _startedAt = call.Services.Time.GetUtcNow();
        _messageId = null;
        if (_effect?.Skill is null || call.Services.Router is null || call.Services.MessagesFolder is not { } folder)
            return Path.Combine(call.Services.RecordingsFolder, $"{ActorNames.FromCallId(call.CallId)}-{_number}.wav");
        _messageId = string.Create(CultureInfo.InvariantCulture, $"{_startedAt:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}");
        return Path.Combine(folder, _messageId + ".wav");
    }
}
