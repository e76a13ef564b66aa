using Ivr.Engine.Calls.Legs;
using Ivr.Flows.Model.Steps;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// The call manager's side of Asterisk: a channel that runs <c>AGI(agi://…/flow)</c> becomes a call actor on an
/// <see cref="AgiLeg"/>, admitted like an INVITE (drain and capacity, then the flow: the script's name, else the flow map
/// by the channel's extension, else the default flow). A refused channel goes back to the dial plan with
/// <c>IVR_RESULT=rejected</c> and <c>IVR_STATUS</c> (503, 404, 480).
/// </summary>
public sealed partial class CallManager
{
    private void OnAgiCall(AgiCallArrived m)
    {
        var environment = m.Session.Environment;
        var callId = m.Session.CallId;
        var (status, reason, flow) = AdmitAgi(environment.FlowId, environment.Extension);
        var leg = new AgiLeg(m.Session, m.Sounds, m.Metrics, m.DigitPoll, _log, SpeechMedia(m, flow));
        if (flow is null)
        {
            _rejected++;
            _services.Metrics.CallRejected(status);
            _log.LogInformation("Asterisk channel {Channel} ({CallId}) refused with {Status}: {Reason}", environment.Channel, callId, status, reason);
            leg.Reject(status);
            return;
        }

        try
        {
            var call = new CallInfo(callId, environment.CallerId, environment.CallerName, environment.Extension);
            // FastAGI carries no audio: without ARI a speech menu takes keys only on this call.
            if (leg.Media is NoAudioSession && flow.Document.Steps.Values.OfType<MenuStep>().Any(step => step.Speech))
                _log.LogInformation("Call {CallId}: no audio reaches the engine from Asterisk; the speech menus of {Flow} take DTMF only", callId, flow.Id);
            Spawn(CallSetup.WithoutAudio(_ => leg, flow, call, _services));
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Setting up the call of Asterisk channel {Channel} failed", environment.Channel);
            leg.Reject(500);
        }
    }

    // The caller's audio over ARI, for a flow with speech menus when ARI is configured and a recognizer is loaded.
    private AriAudioSession? SpeechMedia(AgiCallArrived m, CompiledFlow? flow)
    {
        if (m.Speech is not { } route || flow is null || m.Session.Environment.UniqueId.Length == 0
            || !_services.Speech.Listens(flow, _flows.Find)) return null;
        return new AriAudioSession(route.Ari, _mediaFactory, m.Session.Environment.UniqueId, route.RtpAddress, _services.Time, _log);
    }

    private (int Status, string Reason, CompiledFlow? Flow) AdmitAgi(string script, string extension)
    {
        if (_draining) return (503, "draining", null);
        if (_calls.Count >= _settings.MaxCalls) return (503, $"over capacity ({_calls.Count} live calls)", null);
        var flowId = script.Length > 0 ? script
            : _settings.FlowMap.TryGetValue(extension, out var mapped) ? mapped
            : _settings.DefaultFlow;
        if (flowId is null) return (404, $"no flow for script '{script}' or extension '{extension}'", null);
        return _flows.Find(flowId) is { } flow ? (200, "accepted", flow) : (480, $"flow '{flowId}' is not loaded", null);
    }
}
