using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Ivr.Engine.Speech;

/// <summary>
/// Offline text-to-speech with espeak-ng run as a process (argument list, no shell), converted from its 22,050 Hz output
/// to 8 kHz mono PCM16 by our own resampler, and cached on disk by SHA-256 of (text, voice, locale, engine version).
/// Concurrent requests for one key share a single render.
/// </summary>
public sealed class EspeakSynthesizer : ISpeechSynthesizer
{
    /// <summary>Bump when the rendering pipeline changes so old cache entries are not reused.</summary>
    private const string PipelineVersion = "espeak-8k-v1";
    private const int TelephoneRate = 8000;
    private readonly EspeakOptions _options;
    private readonly Lazy<string?> _executable;
    private readonly Lazy<Task<string>> _engineVersion;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _inFlight = new(StringComparer.Ordinal);
    private int _renders;

    /// <summary>Creates the synthesiser; cheap, runs nothing yet.</summary>
    public EspeakSynthesizer(EspeakOptions? options = null)
    {
        _options = options ?? new EspeakOptions();
        _executable = new Lazy<string?>(() => FindExecutable(_options.Executable));
        _engineVersion = new Lazy<Task<string>>(() => ReadVersionAsync(_executable.Value!));
    }

    /// <inheritdoc />
    public bool IsAvailable => _executable.Value is not null;

    /// <inheritdoc />
    public string? UnavailableReason => IsAvailable
        ? null
        : $"Speech synthesis is off: {_options.Executable} not found; install the Debian package: apt-get install espeak-ng.";

    /// <summary>How many times espeak-ng actually ran (cache hits and shared renders do not count).</summary>
    public int RenderCount => Volatile.Read(ref _renders);

    /// <summary>The folder where rendered prompts are kept.</summary>
    public string CacheDirectory => _options.CacheDirectory;

    /// <summary>The espeak-ng voice for a locale: en-US → en-us, en-GB → en-gb, fr-FR → fr, otherwise the language.</summary>
    public static string VoiceFor(string locale)
    {
        var lower = locale.Trim().ToLowerInvariant().Replace('_', '-');
        return lower switch
        {
            "en-us" or "en-gb" => lower,
            "en" => "en-us",
            _ => lower.Split('-')[0],
        };
    }

    /// <inheritdoc />
    public async Task<string> RenderAsync(string text, string locale, string? voice = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(locale);
        if (_executable.Value is not { } exe)
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        voice ??= VoiceFor(locale);
        var key = CacheKey(text, voice, locale, await _engineVersion.Value.WaitAsync(cancellationToken).ConfigureAwait(false));
        var path = Path.Combine(_options.CacheDirectory, key + ".wav");
        if (File.Exists(path))
        {
            return path;
        }

        var lazy = _inFlight.GetOrAdd(key, _ => new Lazy<Task<string>>(() => RenderToCacheAsync(exe, text, voice, path)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Once the file exists (or the render failed) later callers go to disk or retry; keep the map small.
            if (lazy.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(key, lazy));
            }
        }
    }

    private static string CacheKey(string text, string voice, string locale, string engineVersion)
    {
        var material = string.Join('\u001F', text, voice, locale.ToLowerInvariant(), engineVersion, PipelineVersion);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    private async Task<string> RenderToCacheAsync(string exe, string text, string voice, string path)
    {
        Directory.CreateDirectory(_options.CacheDirectory);
        if (File.Exists(path))
        {
            return path; // another request finished it between our cache check and this render
        }

        var unique = Guid.NewGuid().ToString("N");
        var raw = Path.Combine(_options.CacheDirectory, $".{unique}.espeak.wav");
        var staged = Path.Combine(_options.CacheDirectory, $".{unique}.8k.wav");
        try
        {
            Interlocked.Increment(ref _renders);
            await RunEspeakAsync(exe, text, voice, raw).ConfigureAwait(false);
            var audio = WavAudio.Read(await File.ReadAllBytesAsync(raw).ConfigureAwait(false)).Resample(TelephoneRate);
            await File.WriteAllBytesAsync(staged, audio.ToBytes()).ConfigureAwait(false);
            File.Move(staged, path, overwrite: true); // atomic on one file system: readers never see half a file
            return path;
        }
        finally
        {
            File.Delete(raw);
            File.Delete(staged);
        }
    }

    // "eSpeak NG text-to-speech: 1.51  Data at: …": a new espeak-ng release may pronounce differently, so it is part of the key.
    private async Task<string> ReadVersionAsync(string exe)
    {
        try
        {
            return await QueryVersionAsync(exe).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return "espeak-ng (version unknown)";
        }
    }

    private async Task<string> QueryVersionAsync(string exe)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("--version");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        using var timeout = new CancellationTokenSource(_options.RenderTimeout);
        var stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        var line = stdout.Split('\n')[0];
        var data = line.IndexOf("Data at", StringComparison.Ordinal);
        return (data > 0 ? line[..data] : line).Trim();
    }

    private async Task RunEspeakAsync(string exe, string text, string voice, string output)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-v", voice, "-s", _options.WordsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", output, "--", text })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}.");
        using var timeout = new CancellationTokenSource(_options.RenderTimeout);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"espeak-ng took longer than {_options.RenderTimeout} to render.");
        }

        await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"espeak-ng failed (exit {process.ExitCode}): {error.Trim()}");
        }
    }

    private static string? FindExecutable(string name)
    {
        if (Path.IsPathRooted(name))
        {
            return File.Exists(name) ? name : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
