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
}
