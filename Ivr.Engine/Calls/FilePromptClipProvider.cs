using System.Collections.Concurrent;
using Ivr.Engine.Media;
using Ivr.Flows.Runtime;
using Microsoft.Extensions.Logging;

namespace Ivr.Engine.Calls;

/// <summary>
/// Prompt clips from WAV files under a sounds folder, decoded once and shared by every call. <see cref="Preload"/> reads the
/// files of a flow at startup so call actors never touch the disk; a file first asked for later is read on that call.
/// </summary>
public sealed class FilePromptClipProvider : IPromptClipProvider
{
    private readonly ConcurrentDictionary<string, AudioClip?> _clips = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _textOnlyReported = new(StringComparer.Ordinal);
    private readonly string _root;
    private readonly ILogger _log;

    /// <summary>Serves clips from <paramref name="soundsFolder"/>.</summary>
    public FilePromptClipProvider(string soundsFolder, ILogger<FilePromptClipProvider> log)
    {
        ArgumentNullException.ThrowIfNull(soundsFolder);
        ArgumentNullException.ThrowIfNull(log);
        _root = Path.GetFullPath(soundsFolder);
        _log = log;
    }

    /// <summary>The folder sound paths are relative to.</summary>
    public string Root => _root;

    /// <inheritdoc />
    public AudioClip? Find(ResolvedPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Sound is not null) return FindSound(prompt.Sound);
        // Text-only prompts wait for speech synthesis: say so once per prompt, then skip silently.
        var key = prompt.Name ?? prompt.Text ?? string.Empty;
        if (_textOnlyReported.TryAdd(key, true))
        {
            _log.LogInformation("Prompt {Prompt} has text but no sound file; skipped until speech synthesis is configured", prompt.Name ?? prompt.Text);
        }
        return null;
    }

    /// <inheritdoc />
    public AudioClip? FindSound(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return _clips.GetOrAdd(relativePath, Load);
    }

    /// <summary>Reads every sound file the flow's prompts name; returns how many were found.</summary>
    public int Preload(CompiledFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var found = 0;
        foreach (var prompt in flow.Document.Prompts.Values)
        {
            foreach (var variant in prompt.Locales.Values)
            {
                if (variant.Sound is { } sound && FindSound(sound) is not null) found++;
            }
        }
        return found;
    }

    private AudioClip? Load(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(_root, relativePath));
        // A flow must not reach outside the sounds folder.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            _log.LogWarning("Sound {Sound} is outside {Root}; not played", relativePath, _root);
            return null;
        }

        if (!File.Exists(path))
        {
            _log.LogWarning("Sound file {Path} not found; the prompt is skipped", path);
            return null;
        }

        try
        {
            return new AudioClip(WavFile.Read(path), relativePath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or NotSupportedException)
        {
            _log.LogWarning(ex, "Sound file {Path} cannot be read; the prompt is skipped", path);
            return null;
        }
    }
}
