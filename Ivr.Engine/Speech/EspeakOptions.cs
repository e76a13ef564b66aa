namespace Ivr.Engine.Speech;

/// <summary>Settings of the espeak-ng synthesiser.</summary>
public sealed record EspeakOptions
{
    /// <summary>The executable, looked up on PATH unless rooted.</summary>
    public string Executable { get; init; } = "espeak-ng";

    /// <summary>Folder holding rendered prompts (<c>&lt;sha256&gt;.wav</c>).</summary>
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "ivr-tts");

    /// <summary>Speaking rate in words per minute (espeak-ng <c>-s</c>).</summary>
    public int WordsPerMinute { get; init; } = 160;

    /// <summary>Longest a single render may take before it is killed.</summary>
    public TimeSpan RenderTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
