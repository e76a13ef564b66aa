using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Speech;

/// <summary>
/// An overlay of the acoustic model folder for the telephone path: every file is a symbolic link to the installed
/// model except <c>feat.params</c>, whose <c>-cmninit</c> is replaced (PocketSphinx reads <c>feat.params</c> after the
/// command line, so the option cannot be overridden otherwise).
/// </summary>
internal static class TelephoneModel
{
    public static string Prepare(string acousticModel, string cepstralMeanInit)
    {
        var featParams = Path.Combine(acousticModel, "feat.params");
        if (string.IsNullOrWhiteSpace(cepstralMeanInit) || !File.Exists(featParams))
        {
            return acousticModel;
        }

        var lines = File.ReadAllLines(featParams)
            .Where(l => !l.StartsWith("-cmninit", StringComparison.Ordinal))
            .Append("-cmninit " + cepstralMeanInit)
            .ToArray();
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(acousticModel) + "\n" + string.Join("\n", lines))))[..16];
        var overlay = Path.Combine(Path.GetTempPath(), "ivr-pocketsphinx", key);
        if (File.Exists(Path.Combine(overlay, "feat.params")))
        {
            return overlay;
        }

        // Build in a private folder and rename into place, so concurrent processes never see half an overlay.
        var staging = overlay + "." + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        foreach (var file in Directory.EnumerateFiles(acousticModel))
        {
            var name = Path.GetFileName(file);
            if (name != "feat.params")
            {
                File.CreateSymbolicLink(Path.Combine(staging, name), Path.GetFullPath(file));
            }
        }

        File.WriteAllLines(Path.Combine(staging, "feat.params"), lines);
        try
        {
            Directory.Move(staging, overlay);
        }
        catch (IOException) when (File.Exists(Path.Combine(overlay, "feat.params")))
        {
            Directory.Delete(staging, recursive: true);
        }

        return overlay;
    }
}
