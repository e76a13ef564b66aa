using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Ivr.Engine.Media;

namespace Ivr.Engine.Asterisk;

/// <summary>
/// The engine's prompts (WAV files and synthesized text) made readable by Asterisk: each clip is written once into a
/// folder both can read as 8 kHz signed-linear <c>.sln</c> (Asterisk's <c>format_sln</c>), named by a hash of its audio,
/// and played by its path without extension (<c>STREAM FILE /folder/ivr-…</c>). Thread-safe; the same audio is written once.
/// </summary>
public sealed class AgiSoundFiles
{
    private readonly ConditionalWeakTable<AudioClip, string> _written = new();
    private readonly ConditionalWeakTable<AudioClip, Cut> _pieces = new();

    /// <summary>Writes into <paramref name="folder"/> (created when missing).</summary>
    public AgiSoundFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder shared with Asterisk.</summary>
    public string Folder { get; }

    /// <summary>The path without extension that Asterisk plays <paramref name="clip"/> from (written on first use).</summary>
    public string PathOf(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        // The file may have been deleted since (the folder is safe to empty): written again, not played silent.
        if (_written.TryGetValue(clip, out var known) && File.Exists(known + ".sln")) return known;
        var path = Write(clip);
        _written.AddOrUpdate(clip, path);
        return path;
    }

    /// <summary>
    /// The paths and lengths of <paramref name="clip"/> cut into pieces of at most <paramref name="piece"/> (written on
    /// first use); the list is kept per clip, so a prompt played again is neither cut nor hashed again.
    /// </summary>
    public IReadOnlyList<(string Path, TimeSpan Duration)> PiecesOf(AudioClip clip, TimeSpan piece)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var size = (int)(piece.TotalSeconds * WavFile.TargetSampleRate);
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(piece), piece, "A piece lasts at least one sample.");
        // Checked on the first piece only: the folder emptied since means all of them are written again.
        if (_pieces.TryGetValue(clip, out var known) && known.Size == size && File.Exists(known.List[0].Path + ".sln")) return known.List;
        var list = new List<(string, TimeSpan)>();
        for (var at = 0; at < clip.Samples.Length || list.Count == 0; at += size)
        {
            var part = new AudioClip(clip.Samples.Slice(at, Math.Min(size, clip.Samples.Length - at)), clip.Name);
            list.Add((Write(part), part.Duration));
        }
        _pieces.AddOrUpdate(clip, new Cut(size, list));
        return list;
    }

    private string Write(AudioClip clip)
    {
        var bytes = MemoryMarshal.AsBytes(clip.Samples.Span).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes.Length; i += 2) (bytes[i], bytes[i + 1]) = (bytes[i + 1], bytes[i]);
        }
        var name = "ivr-" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12));
        var path = Path.Combine(Folder, name);
        var file = path + ".sln";
        if (!File.Exists(file))
        {
            // Written aside then moved: Asterisk never opens half a file.
            var temporary = Path.Combine(Folder, "." + name + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, file, overwrite: true);
        }
        return path;
    }

    private sealed record Cut(int Size, IReadOnlyList<(string Path, TimeSpan Duration)> List);
}
