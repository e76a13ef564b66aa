using Ivr.Engine.Calls;
using Ivr.Engine.Flows;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Hosting;

/// <summary>
/// Builds the prompt source and the calls' speech from <see cref="SpeechEngines"/>, and keeps both ready for every flow
/// version the catalog loads: its sounds read, its constant texts synthesized, its menus' grammars compiled.
/// </summary>
internal static class SpeechWiring
{
    /// <summary>The prompt source, preloaded with every live flow; reloaded flows are preloaded as they go live.</summary>
    public static PromptSource Prompts(IServiceProvider sp, string soundsFolder)
    {
        var engines = sp.GetRequiredService<SpeechEngines>();
        var loggers = sp.GetRequiredService<ILoggerFactory>();
        var log = loggers.CreateLogger<PromptSource>();
        var prompts = new PromptSource(soundsFolder, log, engines.Synthesizer);
        var flows = sp.GetRequiredService<LiveFlows>();
        // At start the first calls must find every prompt ready: wait for the renders (espeak-ng takes ~10 ms a phrase).
        foreach (var id in flows.Ids)
        {
            if (flows.Find(id) is { } flow) Report(log, flow, prompts.PreloadAsync(flow).GetAwaiter().GetResult());
        }
        flows.Reloaded += report =>
        {
            foreach (var id in report.Added.Concat(report.Updated))
            {
                if (flows.Find(id) is not { } flow) continue;
                _ = prompts.PreloadAsync(flow).ContinueWith(
                    t =>
                    {
                        if (t.IsCompletedSuccessfully) Report(log, flow, t.Result);
                        else log.LogWarning(t.Exception, "Preloading the prompts of {Flow} failed", flow);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        };
        return prompts;
    }

    /// <summary>The calls' speech recognition, with every live flow's menu grammars compiled (and again on each reload).</summary>
    public static CallSpeech Recognition(IServiceProvider sp)
    {
        var engines = sp.GetRequiredService<SpeechEngines>();
        var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<CallSpeech>();
        var speech = new CallSpeech(engines.Recognizer, engines.Recognition);
        if (speech.Recognizer is null) return speech;
        // The first caller must not wait for a model load at start-of-speech: one decoder now, the warm rest in the background.
        if (speech.Recognizer is Speech.PocketSphinxRecognizer offline)
        {
            offline.WarmUp(1);
            _ = Task.Run(() =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                try
                {
                    offline.WarmUp();
                    log.LogInformation("Speech: {Count} recognition decoders loaded ({Ms:F0} ms)", offline.DecodersIdle,
                        System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
#pragma warning disable CA1031 // A failed warm-up only means callers load decoders on demand; said, not thrown into nowhere.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    log.LogWarning(ex, "Speech: loading the warm recognition decoders failed; they load on demand");
                }
            });
        }
        var flows = sp.GetRequiredService<LiveFlows>();
        foreach (var id in flows.Ids)
        {
            if (flows.Find(id) is { } flow) Precompile(speech, flow, log);
        }
        flows.Reloaded += report =>
        {
            foreach (var id in report.Added.Concat(report.Updated))
            {
                if (flows.Find(id) is { } flow) Precompile(speech, flow, log);
            }
        };
        return speech;
    }

    private static void Report(ILogger log, CompiledFlow flow, int ready) =>
        log.LogInformation("Prompts of {Flow}: {Ready} ready", flow, ready);

    private static void Precompile(CallSpeech speech, CompiledFlow flow, ILogger log)
    {
        try
        {
            foreach (var phrase in speech.Precompile(flow))
            {
                // The same code and sentence as `ivr flow lint` reports for this phrase.
                log.LogWarning("{Code} Flow {Flow}, {Finding}", UnrecognisablePhrase.Code, flow, phrase.Message);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException)
        {
            log.LogWarning(ex, "Compiling the speech grammars of {Flow} failed; its menus take DTMF until a call compiles them", flow);
        }
    }
}
