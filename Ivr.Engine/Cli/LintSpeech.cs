using Ivr.Engine.Calls;
using Ivr.Engine.Hosting;
using Ivr.Flows.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ivr.Engine.Cli;

/// <summary>
/// The speech check of <c>flow lint</c> (IVR312): the recognizer <c>serve</c> would configure from the same settings
/// (<c>appsettings.json</c>, <c>--config</c>, <c>IVR__</c> variables, <c>--set</c>) and the engine's own start-up check,
/// <see cref="CallSpeech.Precompile"/>, so lint warns for exactly the phrases the engine logs.
/// </summary>
internal sealed class LintSpeech : IDisposable
{
    private readonly SpeechEngines _engines;
    private readonly CallSpeech _speech;
    private readonly string _engine;

    private LintSpeech(SpeechEngines engines, string engine)
    {
        _engines = engines;
        _engine = engine;
        _speech = new CallSpeech(engines.Recognizer, engines.Recognition);
    }

    /// <summary>The recognizer of <paramref name="options"/>; throws <see cref="InvalidOperationException"/> on a bad <c>Speech:Engine</c>.</summary>
    public static LintSpeech Create(EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engines = SpeechEngines.Create(options.Speech, options.Data.Folder, NullLoggerFactory.Instance);
        return new LintSpeech(engines, options.Speech.Engine);
    }

    /// <summary>IVR312 warnings for <paramref name="file"/> (none when it does not compile: its errors say why).</summary>
    public IReadOnlyList<Diagnostic> Check(string file, string? soundsRoot)
    {
        if (_speech.Recognizer is not { } recognizer) return [];
        var build = FlowWorkspace.For(file, soundsRoot).Build(file);
        if (build.Flow is not { } flow) return [];
        var source = flow.Document.Source;
        return _speech.Precompile(flow).Select(p =>
        {
            var (line, column) = source.PositionOf(p.Pointer);
            return new Diagnostic(UnrecognisablePhrase.Code, Severity.Warning, source.File, line, column, p.Pointer, p.Message,
                $"{recognizer.GetType().Name} (Speech:Engine = {_engine}) listens for dictionary words only: use other words, or give the phrase to a locale it does not serve (\"phrases\": {{ \"fr-FR\": [ … ] }})");
        }).ToList();
    }

    /// <summary>Frees the recognizer.</summary>
    public void Dispose() => _engines.Dispose();
}
