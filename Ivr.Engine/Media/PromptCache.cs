using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Ivr.Engine.Media;

/// <summary>
/// Prompts under a sounds folder (<c>sounds/**.wav</c>), each read once with <see cref="WavFile"/> on first use and then
/// shared by every call as an <see cref="AudioClip"/>, keyed by its path relative to the folder (<c>en-US/main_menu.wav</c>;
/// the <c>.wav</c> may be left out). Thread-safe: concurrent first uses of one prompt read the file once.
/// </summary>
public sealed class PromptCache
{
    private readonly ConcurrentDictionary<string, Lazy<AudioClip?>> _clips = new(StringComparer.Ordinal);
    private readonly string _root;

    /// <summary>Creates a cache over the folder <paramref name="root"/> (nothing is read yet).</summary>
    public PromptCache(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
    }

    /// <summary>The sounds folder, as a full path.</summary>
    public string Root => _root;

    /// <summary>Prompts loaded so far (missing ones are remembered as missing, not counted).</summary>
    public int Count => _clips.Values.Count(l => l.IsValueCreated && l.Value is not null);

    /// <summary>
    /// The prompt at <paramref name="relativePath"/>; throws <see cref="FileNotFoundException"/> naming the file when it
    /// does not exist and <see cref="InvalidDataException"/> when it is not a readable WAV.
    /// </summary>
    public AudioClip Get(string relativePath) =>
        TryGet(relativePath, out var clip)
            ? clip
            : throw new FileNotFoundException($"Prompt '{relativePath}' not found under {_root}.", FullPath(Normalize(relativePath)));

    /// <summary>The prompt at <paramref name="relativePath"/>, or false when no such file exists (a bad WAV still throws).</summary>
    public bool TryGet(string relativePath, [NotNullWhen(true)] out AudioClip? clip)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        var key = Normalize(relativePath);
        var lazy = _clips.GetOrAdd(key, k => new Lazy<AudioClip?>(() => Load(k), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            clip = lazy.Value;
        }
        catch
        {
            // A broken file is not cached as broken: it may be fixed on disk; the next use retries.
            _clips.TryRemove(new KeyValuePair<string, Lazy<AudioClip?>>(key, lazy));
            throw;
        }

        if (clip is null)
        {
            _clips.TryRemove(new KeyValuePair<string, Lazy<AudioClip?>>(key, lazy));
        }

        return clip is not null;
    }

    /// <summary>Loads every <c>.wav</c> under the folder now (warm-up at start-up); returns how many prompts are cached.</summary>
    public int LoadAll()
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        foreach (var file in Directory.EnumerateFiles(_root, "*.wav", SearchOption.AllDirectories))
        {
            TryGet(Path.GetRelativePath(_root, file), out _);
        }

        return Count;
    }

    private AudioClip? Load(string key)
    {
        var path = FullPath(key);
        return File.Exists(path) ? new AudioClip(WavFile.Read(path), key) : null;
    }

    private string FullPath(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        var rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            // A flow must not read arbitrary files through "../".
            throw new ArgumentException($"Prompt path '{key}' leaves the sounds folder.", nameof(key));
        }

        return path;
    }

    private static string Normalize(string relativePath)
    {
        var key = relativePath.Replace('\\', '/').TrimStart('/');
        if (key.StartsWith("sounds/", StringComparison.Ordinal))
        {
            key = key["sounds/".Length..];
        }

        return key.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? key : key + ".wav";
    }
}
