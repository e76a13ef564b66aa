using System.Collections.Concurrent;
using Ivr.Engine.Media;
using Ivr.Engine.Speech;
using Ivr.Flows.Model;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// The one prompt source of the engine: sound files under <c>sounds/</c> through a shared <see cref="PromptCache"/>, and
/// text (a prompt with no sound, or whose sound file is missing) synthesized by an <see cref="ISpeechSynthesizer"/> into
/// its disk cache, then kept in memory. Each clip is decoded once and shared by every call; concurrent first uses of a
/// text share one render. <see cref="PreloadAsync"/> reads and renders a flow's prompts when a version loads, so calls find
/// them ready; a text with <c>{var}</c> is rendered on first use, once per distinct text.
/// </summary>
public sealed class PromptSource : IPromptClipProvider
{
    private readonly PromptCache _sounds;
    private readonly ISpeechSynthesizer? _synthesizer;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<(string Text, string Locale), Lazy<Task<AudioClip?>>> _spoken = new();
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    /// <summary>Serves sounds from <paramref name="soundsFolder"/> and, when <paramref name="synthesizer"/> is available, speaks text.</summary>
    public PromptSource(string soundsFolder, ILogger<PromptSource> log, ISpeechSynthesizer? synthesizer = null)
    {
        ArgumentNullException.ThrowIfNull(soundsFolder);
        ArgumentNullException.ThrowIfNull(log);
        _sounds = new PromptCache(soundsFolder);
        _synthesizer = synthesizer is { IsAvailable: true } ? synthesizer : null;
        _log = log;
    }

    /// <summary>The folder sound paths are relative to.</summary>
    public string Root => _sounds.Root;

    /// <summary>True when text prompts are synthesized.</summary>
    public bool Speaks => _synthesizer is not null;

    /// <inheritdoc />
    public AudioClip? Find(ResolvedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Sound is not null && FindSound(prompt.Sound) is { } clip) return clip;
        if (prompt.Text is null) return null;
        if (_synthesizer is null)
        {
            ReportOnce(prompt.Name ?? prompt.Text, "Prompt {Prompt} has text but no sound file; skipped (speech synthesis is off)", prompt.Name ?? prompt.Text);
            return null;
        }
        return _spoken.TryGetValue((prompt.Text, prompt.Locale), out var lazy) && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;
    }

    /// <inheritdoc />
    public ValueTask<AudioClip?> RenderAsync(ResolvedPrompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (Find(prompt) is { } ready) return ValueTask.FromResult<AudioClip?>(ready);
        if (prompt.Text is null || _synthesizer is null) return ValueTask.FromResult<AudioClip?>(null);
        return new ValueTask<AudioClip?>(Speak(prompt.Text, prompt.Locale).WaitAsync(cancellationToken));
    }

    /// <inheritdoc />
    public AudioClip? FindSound(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        try
        {
            if (_sounds.TryGet(relativePath, out var clip)) return clip;
            ReportOnce(relativePath, "Sound file {Sound} not found under {Root}", relativePath, _sounds.Root);
        }
        catch (ArgumentException ex)
        {
            ReportOnce(relativePath, "Sound {Sound} is outside {Root}; not played ({Reason})", relativePath, _sounds.Root, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or NotSupportedException)
        {
            ReportOnce(relativePath, "Sound file {Sound} cannot be read; the prompt is skipped ({Reason})", relativePath, ex.Message);
        }
        return null;
    }

    /// <summary>
    /// Reads every sound file the flow names and renders every constant text that has no playable sound, in each
    /// locale; returns how many prompts are ready. Failed renders are logged and retried on first use.
    /// </summary>
    public async Task<int> PreloadAsync(CompiledFlow flow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var ready = 0;
        var texts = new List<(string Text, string Locale)>();
        foreach (var prompt in flow.Document.Prompts.Values)
        {
            foreach (var (locale, variant) in prompt.Locales)
            {
                if (variant.Sound is { } sound && FindSound(sound) is not null) ready++;
                else if (variant.Text is { } text) texts.Add((text, locale));
            }
        }
        foreach (var item in flow.Document.Steps.Values.SelectMany(s => s.PromptRefs()).SelectMany(r => r.Items).Where(i => i.Name is null))
        {
            if (item.Sound is { } sound && FindSound(sound) is not null) ready++;
            else if (item.Text is { } text) texts.AddRange(flow.Languages.Select(l => (text, l)));
        }

        if (_synthesizer is null) return ready;
        foreach (var (text, locale) in texts.Distinct())
        {
            if (IsTemplate(text)) continue;
            try
            {
                if (await Speak(text, locale).WaitAsync(cancellationToken).ConfigureAwait(false) is not null) ready++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogWarning(ex, "Could not render prompt text '{Text}' ({Locale}) for flow {Flow}", text, locale, flow);
            }
        }
        return ready;
    }

    // {var} is interpolated per call: such a text cannot be rendered ahead ({{ is a literal brace).
    private static bool IsTemplate(string text) => text.Replace("{{", "", StringComparison.Ordinal).Contains('{', StringComparison.Ordinal);

    private Task<AudioClip?> Speak(string text, string locale)
    {
        var lazy = _spoken.GetOrAdd((text, locale), key => new Lazy<Task<AudioClip?>>(() => RenderToClipAsync(key.Text, key.Locale)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed render is not remembered: the next use tries again.
            _spoken.TryRemove(new KeyValuePair<(string, string), Lazy<Task<AudioClip?>>>((text, locale), lazy));
        }
        return task;
    }

    private async Task<AudioClip?> RenderToClipAsync(string text, string locale)
    {
        var path = await _synthesizer!.RenderAsync(text, locale).ConfigureAwait(false);
        return new AudioClip(WavFile.Read(path), "tts:" + text);
    }

    private void ReportOnce(string key, string message, params object?[] args)
    {
        if (!_reported.TryAdd(key, true)) return;
#pragma warning disable CA2254 // The templates are the constants above.
        _log.LogWarning(message, args);
#pragma warning restore CA2254
    }
}
